from .configs import config_path, configs_root, register_config_package

__all__ = ['config_path', 'configs_root', 'register_config_package']
