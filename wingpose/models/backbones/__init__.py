from .plain_cnn import CNN6, CNN7

__all__ = ['CNN6', 'CNN7']
