from .coord_conv import CoordConv2d, CoordConvNeck, coordinate_channels

__all__ = ['CoordConv2d', 'CoordConvNeck', 'coordinate_channels']
