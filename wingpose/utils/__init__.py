from .atomic_files import WriteError, atomic_write, format_bytes, free_space
from .configs import cfg_options, config_path, configs_root, register_config_package
from .video import FrameSource, VideoError, VideoSink, is_video

__all__ = ['FrameSource', 'VideoError', 'VideoSink', 'WriteError', 'atomic_write', 'cfg_options',
           'config_path', 'configs_root', 'format_bytes', 'free_space', 'is_video',
           'register_config_package']
