import pytest


@pytest.fixture(scope='session')
def synthface(tmp_path_factory):
    """A tiny synthetic face benchmark (48 train / 24 test images of 128x128)."""
    from wingpose.datasets.synthetic import generate_synthetic_faces
    root = str(tmp_path_factory.mktemp('data') / 'synthface')
    generate_synthetic_faces(root, num_train=48, num_test=24, seed=3, image_size=128)
    return root
