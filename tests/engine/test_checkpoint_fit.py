"""Checkpoints must hold exactly the model's tensors to be evaluated or exported."""
import pytest
import torch
from torch import nn

from wingpose.engine import check_checkpoint_fits, load_checkpoint_strictly


def test_mismatched_tensors_are_listed_and_nothing_is_loaded(tmp_path):
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))
    state = dict(model.state_dict())
    # a wrapped model's keys (module.) load as MMEngine loads them
    check_checkpoint_fits(model, dict(state_dict={f'module.{k}': v for k, v in state.items()}),
                          'wrapped.pth')
    other = dict(state, **{'0.weight': torch.zeros(16, 3, 3, 3), '2.weight': torch.zeros(1)})
    del other['1.running_var']
    with pytest.raises(ValueError) as error:
        check_checkpoint_fits(model, dict(state_dict=other), 'other.pth')
    assert str(error.value) == (
        'checkpoint other.pth does not fit the model (Sequential of the config): 1 missing '
        'tensors: 1.running_var; 1 unexpected tensors: 2.weight; 1 tensors of another shape: '
        '0.weight (checkpoint (16, 3, 3, 3), model (8, 3, 3, 3))')
    path = str(tmp_path / 'other.pth')
    torch.save(dict(state_dict=other), path)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError, match='does not fit the model'):
        load_checkpoint_strictly(model, path)
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())
    torch.save(dict(state_dict={k: torch.ones_like(v) for k, v in state.items()}), path)
    load_checkpoint_strictly(model, path)
    assert torch.equal(model[0].weight, torch.ones(8, 3, 3, 3))
