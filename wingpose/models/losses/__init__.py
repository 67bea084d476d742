from .adaptive_wing_loss import AdaptiveWingLoss
from .coordinate_loss import CoordinateLoss
from .star_loss import STARLoss
from .wing_loss import WingLoss

__all__ = ['WingLoss', 'CoordinateLoss', 'AdaptiveWingLoss', 'STARLoss']
