from .atomic_files import atomic_write
from .configs import config_path, configs_root, register_config_package

__all__ = ['atomic_write', 'config_path', 'configs_root', 'register_config_package']
