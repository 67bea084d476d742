"""Run MMPose 1.3.2's visualisation and ``mmpose.apis`` where torchvision is not installed.

``mmpose.visualization`` (imported by ``mmpose.apis`` and needed for ``PoseLocalVisualizer``)
imports ``torchvision.transforms.ToPILImage`` in ``simcc_vis.py``, only to turn a heatmap
tensor into a PIL image. torchvision cannot be installed beside the CPU torch wheel this
project pins (the PyPI wheels are CUDA builds and fail to import). When, and only when,
torchvision is not installed, :func:`provide_topilimage` registers a ``torchvision`` module
that holds just ``transforms.ToPILImage``; any other use of torchvision fails with an error
saying so. With torchvision installed, nothing is changed.
"""
import importlib.machinery
import importlib.util
import sys
import types

import numpy as np
from PIL import Image


class ToPILImage:
    """torchvision's ``ToPILImage`` for (H, W) or (C, H, W) tensors/arrays, C in {1, 3, 4}.

    Floating-point input is taken as [0, 1] and scaled to uint8, as torchvision does.
    """

    def __call__(self, picture) -> Image.Image:
        array = picture.detach().cpu().numpy() if hasattr(picture, 'detach') \
            else np.asarray(picture)
        if array.ndim == 3:
            array = array.transpose(1, 2, 0)
            if array.shape[2] == 1:
                array = array[..., 0]
        elif array.ndim != 2:
            raise ValueError(f'ToPILImage expects a 2-D or 3-D picture, got shape {array.shape}')
        if np.issubdtype(array.dtype, np.floating):
            array = (array * 255).clip(0, 255).astype(np.uint8)
        return Image.fromarray(array)


# the origin of the stand-in modules' specs
STAND_IN = 'wingpose.compat (torchvision.transforms.ToPILImage only)'


class _Missing(types.ModuleType):

    def __getattr__(self, name: str):
        raise AttributeError(
            f'torchvision is not installed: wingpose provides only '
            f'torchvision.transforms.ToPILImage (for mmpose.visualization), not {name!r}')


def provide_topilimage() -> None:
    """Register the minimal ``torchvision`` when the real one is not installed."""
    if 'torchvision' in sys.modules or importlib.util.find_spec('torchvision') is not None:
        return
    package = _Missing('torchvision')
    transforms = _Missing('torchvision.transforms')
    # well-formed modules: importlib.util.find_spec('torchvision'), as other libraries probe
    # for it, finds this one (a module without a spec makes find_spec raise ValueError)
    package.__spec__ = importlib.machinery.ModuleSpec('torchvision', None, origin=STAND_IN,
                                                      is_package=True)
    transforms.__spec__ = importlib.machinery.ModuleSpec('torchvision.transforms', None,
                                                         origin=STAND_IN)
    transforms.ToPILImage = ToPILImage
    package.transforms = transforms
    package.__path__ = []
    package.__version__ = 'not installed (wingpose.compat: transforms.ToPILImage only)'
    sys.modules['torchvision'] = package
    sys.modules['torchvision.transforms'] = transforms
