import torch

from wingpose.codecs.utils import symmetric_eig2x2


def test_symmetric_eig2x2_matches_eigh():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(100, 2, 2, generator=g, dtype=torch.float64)
    cov = a @ a.transpose(-1, -2)
    evalues, evectors = symmetric_eig2x2(cov[:, 0, 0], cov[:, 1, 1], cov[:, 0, 1])
    ref_values, _ = torch.linalg.eigh(cov)
    assert torch.allclose(evalues, ref_values, atol=1e-12)
    # columns are unit eigenvectors: cov v_i = lambda_i v_i
    assert torch.allclose(cov @ evectors, evectors * evalues.unsqueeze(-2), atol=1e-10)
    assert torch.allclose(evectors.transpose(-1, -2) @ evectors,
                          torch.eye(2, dtype=torch.float64).expand(100, 2, 2), atol=1e-12)
