from .atomic_files import WriteError, atomic_write, format_bytes, free_space
from .configs import config_path, configs_root, register_config_package

__all__ = ['WriteError', 'atomic_write', 'config_path', 'configs_root', 'format_bytes',
           'free_space', 'register_config_package']
