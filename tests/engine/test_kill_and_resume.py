"""Trainings killed in their checkpoint writes resume to the uninterrupted run's weights, best
checkpoint files and validations."""
from ..utils import run_tool


def test_killed_in_the_save_windows_and_resumed():
    """``tools/analysis/kill_and_resume.py`` with four kills aimed at a checkpoint write, a
    best-checkpoint write, the moment between the last checkpoint and its validation, and the
    moment between a new best and the removal of the old (the full check draws 20 and more,
    outside kills and copied work dirs among them)."""
    result = run_tool('tools/analysis/kill_and_resume.py', '--kills', '4', '--epochs', '2',
                      '--copies', '0', '--moments', 'epoch checkpoint write',
                      'best checkpoint write', 'before the last validation',
                      'before the old best is removed', timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert ("4 kills: 4 resumed, 4 kept their best checkpoint, 4 ended with the uninterrupted "
            "run's weights bit for bit, 4 with its best checkpoint files, 4 with its "
            'validations and true removal lines') in result.stdout
    assert result.stdout.count('killed at') == 4  # each trial killed, none finished first
