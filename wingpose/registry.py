"""Registries of wingpose: children of MMPose's, under their own scope.

Nothing of wingpose is ever registered into MMPose's registries, so MMPose's own classes
(``WingLoss``, ``NME``, ...) stay what they are for everybody. Two ways of use:

* from an MMPose config (``default_scope='mmpose'``) after
  ``custom_imports = dict(imports=['wingpose'])``: ``type='wingpose.WingLoss'``;
* from a wingpose config (``default_scope='wingpose'``): ``type='WingLoss'``, while names that
  wingpose does not define (``RegressionHead``, ``AFLWDataset``, ``Adam``...) fall through to
  MMPose and MMEngine.

Every MMPose registry gets a child, so that switching the default scope to ``wingpose`` never
loses a name MMPose defines. One MMPose name is given a wingpose class in wingpose's scope:
``TopdownPoseEstimator``, MMPose's with strict weight loading
(:class:`wingpose.models.TopdownPoseEstimator`).
"""
from mmengine.registry import Registry
from mmpose import registry as mmpose_registry

SCOPE = 'wingpose'


def _child(parent: Registry, *locations: str) -> Registry:
    """A ``wingpose``-scoped child of an MMPose registry.

    The parent's own locations are listed too: a lookup that falls through to MMPose then finds
    MMPose's modules registered even when nothing imported them yet.
    """
    return Registry(
        parent.name,
        parent=parent,
        scope=SCOPE,
        locations=[*locations, *parent._locations])


RUNNERS = _child(mmpose_registry.RUNNERS)
RUNNER_CONSTRUCTORS = _child(mmpose_registry.RUNNER_CONSTRUCTORS)
LOOPS = _child(mmpose_registry.LOOPS, 'wingpose.engine')
HOOKS = _child(mmpose_registry.HOOKS, 'wingpose.engine')
DATASETS = _child(mmpose_registry.DATASETS, 'wingpose.datasets')
DATA_SAMPLERS = _child(mmpose_registry.DATA_SAMPLERS)
TRANSFORMS = _child(mmpose_registry.TRANSFORMS, 'wingpose.datasets')
MODELS = _child(mmpose_registry.MODELS, 'wingpose.models')
MODEL_WRAPPERS = _child(mmpose_registry.MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = _child(mmpose_registry.WEIGHT_INITIALIZERS)
OPTIMIZERS = _child(mmpose_registry.OPTIMIZERS)
OPTIM_WRAPPERS = _child(mmpose_registry.OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = _child(mmpose_registry.OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = _child(mmpose_registry.PARAM_SCHEDULERS)
METRICS = _child(mmpose_registry.METRICS, 'wingpose.evaluation')
EVALUATORS = _child(mmpose_registry.EVALUATORS)
TASK_UTILS = _child(mmpose_registry.TASK_UTILS)
VISUALIZERS = _child(mmpose_registry.VISUALIZERS)
VISBACKENDS = _child(mmpose_registry.VISBACKENDS)
LOG_PROCESSORS = _child(mmpose_registry.LOG_PROCESSORS)
KEYPOINT_CODECS = _child(mmpose_registry.KEYPOINT_CODECS, 'wingpose.codecs')
INFERENCERS = _child(mmpose_registry.INFERENCERS)
