from .adaptive_wing_loss import AdaptiveWingLoss
from .star_loss import STARLoss
from .wing_loss import WingLoss

__all__ = ['WingLoss', 'AdaptiveWingLoss', 'STARLoss']
