"""The benchmark table that ``tools/test.py`` prints, built from FaceAlignmentMetric keys."""
import re
from collections import OrderedDict
from typing import Dict, Optional

_KEY = re.compile(r'^(?:(?P<prefix>.*)/)?(?P<measure>NME|FR@[^_]+|AUC@[^_]+)_(?P<norm>.+)$')


def threshold_tag(thr: float) -> str:
    """``0.1`` -> ``'0.10'``, ``0.075`` -> ``'0.075'``: the threshold as papers print it."""
    return f'{thr:.2f}' if round(thr, 2) == thr else f'{thr:g}'


def benchmark_table(metrics: Dict[str, float], prefix: Optional[str] = None) -> str:
    """A markdown table: one row per subset, NME / FR / AUC (%) columns per normalisation.

    Keys that are not FaceAlignmentMetric keys are ignored; the path component before the
    measure is the subset (``full`` when there is none), after removing the metric's
    ``prefix`` if it has one.
    """
    rows: Dict[str, Dict[str, float]] = OrderedDict()
    columns = []
    for key, value in metrics.items():
        match = _KEY.match(key)
        if not match:
            continue
        subset = match['prefix'] or ''
        if prefix and (subset == prefix or subset.startswith(prefix + '/')):
            subset = subset[len(prefix) + 1:]
        subset = subset or 'full'
        column = f'{match["measure"]} {match["norm"]}'
        if column not in columns:
            columns.append(column)
        rows.setdefault(subset, {})[column] = value
    if not rows:
        return '(no face-alignment metrics)'
    lines = ['| subset | ' + ' | '.join(columns) + ' |',
             '|---|' + '---:|' * len(columns)]
    for subset, values in rows.items():
        cells = [f'{values[c]:.2f}' if c in values else '' for c in columns]
        lines.append(f'| {subset} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
