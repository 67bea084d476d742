"""Trainings killed in their checkpoint writes resume to the uninterrupted run's weights."""
from ..utils import run_tool


def test_killed_in_the_save_windows_and_resumed():
    """``tools/analysis/kill_and_resume.py`` with three kills aimed at the checkpoint, the
    ``last_checkpoint`` and the best-checkpoint writes (the full check draws 20 and more)."""
    result = run_tool('tools/analysis/kill_and_resume.py', '--kills', '3', '--epochs', '2',
                      '--moments', 'epoch checkpoint write', 'last_checkpoint write',
                      'best checkpoint write', timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert ("3 kills: 3 resumed, 3 kept their best checkpoint, 3 ended with the uninterrupted "
            "run's weights bit for bit") in result.stdout
    assert result.stdout.count('killed at') == 3  # each trial killed, none finished first
