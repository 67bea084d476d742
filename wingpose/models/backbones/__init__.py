from .plain_cnn import CNN6, CNN7
from .stacked_hourglass import AWingHourglassNet, STARHourglassNet, StackedHourglassNet

__all__ = ['CNN6', 'CNN7', 'AWingHourglassNet', 'STARHourglassNet', 'StackedHourglassNet']
