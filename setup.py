from setuptools import find_packages, setup

setup(
    name='wingpose',
    version='0.1.0',
    description='Wing, Adaptive Wing and STAR losses, pose-based data balancing, CNN6/CNN7 and '
    'face-alignment metrics for MMPose 1.x',
    packages=find_packages(include=['wingpose', 'wingpose.*']),
    package_data={'wingpose': ['datasets/synthetic/*.txt']},
    python_requires='>=3.8',
)
