"""Frames in and video out for the demos: a video file or a folder of images, read and written
with OpenCV, every failure named before any work."""
import glob
import os
import os.path as osp
from typing import Iterator, List, Tuple

import cv2
import numpy as np

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')
CODECS = {'.mp4': 'mp4v', '.avi': 'MJPG', '.mkv': 'mp4v', '.mov': 'mp4v'}


class VideoError(ValueError):
    """A video or folder of frames that cannot be read, or a video that cannot be written."""


def is_video(path: str) -> bool:
    """Whether ``path`` is a folder of frames or a file with a video extension."""
    return osp.isdir(path) or osp.splitext(path)[1].lower() in CODECS


class FrameSource:
    """The frames of a video file or of a folder of images (sorted by name), BGR uint8.

    Opening checks that the first frame decodes; ``fps`` is the video's rate (``fps`` given
    for a folder, or for a video that does not say) and ``size`` is (w, h).
    """

    def __init__(self, path: str, fps: float = 25.):
        self.path = path
        if osp.isdir(path):
            self.files: List[str] = sorted(
                f for f in glob.glob(osp.join(path, '*'))
                if osp.splitext(f)[1].lower() in IMAGE_EXTENSIONS)
            if not self.files:
                raise VideoError(f'no frames in {path}: a folder of images '
                                 f'({", ".join(IMAGE_EXTENSIONS)}) is expected')
            first = cv2.imread(self.files[0])
            if first is None:
                raise VideoError(f'cannot read the frame {self.files[0]}')
            self.fps = fps
        else:
            if not osp.isfile(path):
                raise VideoError(f'video not found: {path}')
            self.files = []
            capture = cv2.VideoCapture(path)
            ok, first = capture.read() if capture.isOpened() else (False, None)
            if not ok:
                raise VideoError(f'cannot open or decode the video {path}')
            self.fps = capture.get(cv2.CAP_PROP_FPS) or fps
            capture.release()
        self.size = (first.shape[1], first.shape[0])

    def __iter__(self) -> Iterator[np.ndarray]:
        if self.files:
            for file in self.files:
                frame = cv2.imread(file)
                if frame is None:
                    raise VideoError(f'cannot read the frame {file}')
                yield frame
            return
        capture = cv2.VideoCapture(self.path)
        try:
            while True:
                ok, frame = capture.read()
                if not ok:
                    return
                yield frame
        finally:
            capture.release()


class VideoSink:
    """A video file written through a temporary file beside it, renamed into place by
    :meth:`close` (an interrupted run leaves an earlier file of that name as it was). The codec
    follows the extension (:data:`CODECS`); one OpenCV cannot write is refused at once."""

    def __init__(self, path: str, fps: float, size: Tuple[int, int]):
        extension = osp.splitext(path)[1].lower()
        if extension not in CODECS:
            raise VideoError(f'cannot write the video {path}: the extension must be one of '
                             f'{", ".join(CODECS)}')
        folder = osp.dirname(osp.abspath(path))
        os.makedirs(folder, exist_ok=True)
        self.path = path
        self.partial = osp.join(folder, f'.{osp.basename(path)}.partial{extension}')
        self.writer = cv2.VideoWriter(self.partial, cv2.VideoWriter_fourcc(*CODECS[extension]),
                                      fps, size)
        if not self.writer.isOpened():
            raise VideoError(f'OpenCV cannot write the video {path} with the codec '
                             f'{CODECS[extension]}')

    def write(self, frame: np.ndarray) -> None:
        self.writer.write(frame)

    def close(self) -> None:
        self.writer.release()
        os.replace(self.partial, self.path)

    def discard(self) -> None:
        self.writer.release()
        if osp.exists(self.partial):
            os.remove(self.partial)
