"""wingpose: Wing / Adaptive Wing / STAR losses, PDB, CNN6/CNN7 and face-alignment metrics
for MMPose 1.x, in the ``wingpose`` registry scope.

Importing the package registers its parts (``custom_imports=dict(imports=['wingpose'])``),
allows MMEngine checkpoints to load under torch >= 2.6 with ``weights_only`` kept on, and lets
``mmpose.visualization`` / ``mmpose.apis`` import without torchvision (see ``compat``).
"""
from .compat import provide_topilimage
from .engine import allow_mmengine_checkpoint_types

provide_topilimage()
allow_mmengine_checkpoint_types()

from . import codecs, datasets, evaluation, models  # noqa: E402,F401  (register the parts)

__version__ = '0.1.0'
