"""wingpose: Wing / Adaptive Wing / STAR losses, PDB, CNN6/CNN7 and face-alignment metrics
for MMPose 1.x, in the ``wingpose`` registry scope.

Importing the package registers its parts (``custom_imports=dict(imports=['wingpose'])``),
allows MMEngine checkpoints to load under torch >= 2.6 with ``weights_only`` kept on, lets
``mmpose.visualization`` / ``mmpose.apis`` import without torchvision (see ``compat``), and
lets MMEngine configs name wingpose's configs as ``wingpose::NAME`` (see ``utils.configs``).
"""
from .compat import provide_topilimage
from .engine import allow_mmengine_checkpoint_types
from .utils import register_config_package

provide_topilimage()
allow_mmengine_checkpoint_types()
register_config_package()

from . import codecs, datasets, evaluation, models  # noqa: E402,F401  (register the parts)

__version__ = '0.1.0'
