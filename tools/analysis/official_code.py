"""Import the official STAR and Adaptive Wing code from their checkouts, for side-by-side runs.

Used by ``compare_official_networks.py`` and ``compare_official_pipeline.py`` (run as scripts,
so this folder is on ``sys.path``). Only the official modules that the comparisons run are
imported; the libraries they import at module level without using them here (torchvision,
imgaug, scikit-image, imageio, joblib) are stood in by empty modules when they are not
installed, and pandas, which STAR's dataset reads its annotation files with, by a reader of
those files.
Nothing of this is part of the wingpose package.
"""
import importlib.util
import os.path as osp
import re
import sys
import types
import zlib

import numpy as np
import torch

# modules the official files import at load time, and the names taken from them
_UNUSED_IMPORTS = {
    'torchvision': ('transforms', 'utils'),
    'torchvision.transforms': ('Lambda', 'Compose', 'ToTensor'),
    'torchvision.transforms.functional': ('adjust_brightness', 'adjust_contrast',
                                          'adjust_saturation', 'adjust_hue'),
    'imgaug': ('augmenters', ),
    'skimage': ('io', 'transform'),
    'skimage.color': ('rgb2gray', ),
    'imageio': (),
    'joblib': ('Parallel', 'delayed'),
}


class _Rows:
    """The part of a pandas frame that STAR's ``AlignmentDataset`` reads: ``len`` and ``iloc``."""

    def __init__(self, rows):
        self.rows = rows
        self.iloc = self

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        if isinstance(index, tuple):
            return self.rows[index[0]][index[1]]
        return self.rows[index]


def _read_tsv(path: str, sep: str = '\t') -> _Rows:
    """``pandas.read_csv(path, sep=sep)`` for STAR's files: the first line is the header."""
    with open(path) as f:
        lines = [line.rstrip('\r\n').split(sep) for line in f if line.strip()]
    return _Rows(lines[1:])


def _installed(root: str) -> bool:
    module = sys.modules.get(root)
    if module is not None:  # a stand-in: ours has no __spec__, wingpose's names itself
        spec = getattr(module, '__spec__', None)
        return spec is not None and not (spec.origin or '').startswith('wingpose.compat')
    return importlib.util.find_spec(root) is not None


def stand_in_unused_imports() -> None:
    """Empty modules for the official files' unused imports that are not installed."""
    for name, attributes in _UNUSED_IMPORTS.items():
        if _installed(name.split('.')[0]):
            continue
        module = sys.modules.setdefault(name, types.ModuleType(name))
        for attribute in attributes:
            if not hasattr(module, attribute):
                setattr(module, attribute, types.SimpleNamespace())
    if not _installed('pandas'):
        sys.modules.setdefault('pandas', types.ModuleType('pandas')).read_csv = _read_tsv


def load_module(name: str, path: str, numpy_compatible: bool = False):
    """Import the file at ``path`` as module ``name``.

    ``numpy_compatible``: AWing's code tests arrays with ``x != []``, which NumPy >= 1.25
    refuses (it compared elementwise and fell back to True before); those tests are read as
    ``len(x) != 0``, what they meant.
    """
    with open(path) as f:
        source = f.read()
    if numpy_compatible:
        source = re.sub(r'if (\w+) != \[\]:', r'if len(\1) != 0:', source)
    module = types.ModuleType(name)
    module.__file__, module.__package__ = path, name.rpartition('.')[0]
    sys.modules[name] = module
    exec(compile(source, path, 'exec'), module.__dict__)
    return module


def check_checkouts(star: str = None, awing: str = None) -> None:
    """Exit with a message when a checkout lacks the files the comparisons import."""
    for root, files, option in ((star, ('lib/backbone/stackedHGNetV1.py', 'evaluate.py'),
                                 '--star'),
                                (awing, ('core/models.py', 'utils/utils.py'), '--awing')):
        for name in files if root else ():
            if not osp.isfile(osp.join(root, name)):
                sys.exit(f'error: {option}: no {osp.join(root, name)}')


def star_modules(star: str) -> types.SimpleNamespace:
    """STAR's network, decoder, encoder, dataset and ``evaluate.py`` (with its ``lib`` package
    limited to what those import)."""
    stand_in_unused_imports()
    for name in ('lib', 'lib.backbone', 'lib.backbone.core', 'lib.dataset',
                 'lib.dataset.decoder', 'lib.dataset.encoder'):
        module = sys.modules.setdefault(name, types.ModuleType(name))
        module.__path__ = [osp.join(star, *name.split('.'))]
    decoder = load_module('lib.dataset.decoder.decoder_default',
                          osp.join(star, 'lib', 'dataset', 'decoder', 'decoder_default.py'))
    sys.modules['lib.dataset'].get_decoder = lambda decoder_type='default': \
        decoder.decoder_default()
    encoder = load_module('lib.dataset.encoder.encoder_default',
                          osp.join(star, 'lib', 'dataset', 'encoder', 'encoder_default.py'))
    sys.modules['lib.dataset.encoder'].get_encoder = \
        lambda h, w, scale=0.25, sigma=1.5, encoder_type='default': \
        encoder.encoder_default(h, w, scale, sigma)
    load_module('lib.backbone.core.coord_conv',
                osp.join(star, 'lib', 'backbone', 'core', 'coord_conv.py'))
    network = load_module('lib.backbone.stackedHGNetV1',
                          osp.join(star, 'lib', 'backbone', 'stackedHGNetV1.py'))
    augmentation = load_module('lib.dataset.augmentation',
                               osp.join(star, 'lib', 'dataset', 'augmentation.py'))
    dataset = load_module('lib.dataset.alignmentDataset',
                          osp.join(star, 'lib', 'dataset', 'alignmentDataset.py'))
    sys.modules.setdefault('lib.utility', types.ModuleType('lib.utility'))
    sys.modules['lib'].utility = sys.modules['lib.utility']
    evaluate = load_module('star_evaluate', osp.join(star, 'evaluate.py'))
    nme = load_module('lib.metric.nme', osp.join(star, 'lib', 'metric', 'nme.py'))
    return types.SimpleNamespace(network=network, decoder=decoder, encoder=encoder,
                                 augmentation=augmentation, dataset=dataset, evaluate=evaluate,
                                 nme=nme, root=star)


def awing_modules(awing: str) -> types.SimpleNamespace:
    """AWing's network (``core/models.py``), ``utils/utils.py`` and ``core/dataloader.py``."""
    stand_in_unused_imports()
    torch.Tensor.cuda = lambda self, *args, **kwargs: self  # AWing calls .cuda() on CPU too
    for name in ('core', 'utils'):
        module = sys.modules.setdefault(name, types.ModuleType(name))
        module.__path__ = [osp.join(awing, name)]
    load_module('core.coord_conv', osp.join(awing, 'core', 'coord_conv.py'))
    network = load_module('core.models', osp.join(awing, 'core', 'models.py'))
    utils = load_module('utils.utils', osp.join(awing, 'utils', 'utils.py'))
    sys.modules['utils'].cv_crop = utils.cv_crop  # dataset/convert_WFLW.py: from utils import
    dataloader = load_module('core.dataloader', osp.join(awing, 'core', 'dataloader.py'),
                             numpy_compatible=True)
    return types.SimpleNamespace(network=network, utils=utils, dataloader=dataloader,
                                 root=awing)


def randomise_batch_norm(net: torch.nn.Module) -> None:
    """Batch-norm statistics and affine parameters away from their initial values."""
    for module in net.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)


def seeded_state_dict(model: torch.nn.Module) -> dict:
    """Deterministic weights for ``model``: each tensor from a generator seeded by its name.

    Convolution weights uniform in +-1/sqrt(fan in), biases in +-0.2, normalisation scales in
    [0.5, 1.5], running variances in [0.5, 1.5]; the same on every machine.
    """
    state = {}
    for name, tensor in model.state_dict().items():
        if not tensor.is_floating_point():
            state[name] = tensor.clone()
            continue
        generator = torch.Generator().manual_seed(zlib.crc32(name.encode()))
        draw = torch.rand(tensor.shape, generator=generator, dtype=torch.float64)
        if name.endswith('running_var') or (tensor.dim() == 1 and name.endswith('weight')):
            low, high = 0.5, 1.5
        elif tensor.dim() == 1:
            low, high = -0.2, 0.2
        else:
            bound = 1 / np.sqrt(tensor[0].numel())
            low, high = -bound, bound
        state[name] = (low + (high - low) * draw).to(tensor.dtype)
    return state
