"""wingpose as an OpenMMLab-style package: the code, and its configs as ``wingpose/.mim/configs``.

``make install`` (tools/install_env.sh) is the supported way to set up the stack: mmcv is
built from source there and mmpose/mmdet are installed without their own dependency pins.
``install_requires`` lists the same pins (requirements/constraints.txt applied to the
requirement files) for an environment that already holds them.
"""
import os.path as osp
import re

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))


def read_lines(name: str) -> list:
    with open(osp.join(HERE, 'requirements', name)) as f:
        return [line.split('#')[0].strip() for line in f if line.split('#')[0].strip()]


def pinned(*names: str) -> list:
    """The requirements of ``requirements/<name>`` with the constraint of each applied."""
    pins = {re.split(r'[<>=!~ ]', line)[0].lower(): line for line in read_lines('constraints.txt')}
    return [pins.get(re.split(r'[<>=!~ ]', line)[0].lower(), line)
            for name in names for line in read_lines(name)]


setup(
    name='wingpose',
    version='0.1.0',
    description='Wing, Adaptive Wing and STAR losses, pose-based data balancing, CNN6/CNN7 and '
    'face-alignment metrics for MMPose 1.x',
    packages=find_packages(include=['wingpose', 'wingpose.*']),
    package_data={'wingpose': ['datasets/synthetic/*.txt', '.mim/model-index.yml',
                               '.mim/configs/**/*.py', '.mim/configs/**/*.md',
                               '.mim/configs/*.yml']},
    python_requires='>=3.8',
    # torch first (build.txt, without the build tools), then what mmcv, mmengine and mmpose need
    install_requires=[r for r in pinned('build.txt') if r.startswith('torch')]
    + pinned('runtime.txt', 'mmcv.txt', 'openmmlab.txt'),
    extras_require={'tests': pinned('tests.txt')},
    entry_points={'console_scripts': ['wingpose-config=wingpose.utils.configs:main']},
)
