"""The reproduction's statistics: a run's headline figure on its study's protocol, mean and
spread over seeds, and the papers' claims decided by them."""
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from .runner import RunResult
from .studies import CNN7, PROTOCOLS, STUDIES, TWO_STAGE, Protocol

Results = Dict[str, Dict[str, List[RunResult]]]  # study -> method -> one result per seed
VERDICTS = ('reproduced', 'contradicted', 'undecided')


def norm_of(metric: str) -> str:
    """The normalisation of an NME metric key (``NME_bbox`` -> ``bbox``)."""
    return metric.split('NME_', 1)[1]


def headline(run: RunResult, protocol: Protocol,
             subsets: Optional[Sequence[str]] = None) -> Tuple[float, float]:
    """A run's figure on ``protocol``: its NME (%) over the protocol's faces (or ``subsets``),
    and the share (%) of those faces under 2 % NME; NaN where the test set has none."""
    nme = run.nme(norm_of(protocol.metric), protocol.subsets if subsets is None else subsets)
    if not len(nme):
        return float('nan'), float('nan')
    return float(nme.mean()), float(100 * (nme < 2.).mean())


def spread_of(values: np.ndarray) -> str:
    """``mean ± std`` over seeds (the mean alone for one seed), as in the tables."""
    return f'{values.mean():.2f} ± {values.std():.2f}' if len(values) > 1 \
        else f'{values.mean():.2f}'


def seed_spread(results: Results, protocol: str) -> Tuple[float, str]:
    """The largest relative std over seeds of any method with two seeds or more: on
    ``protocol`` where one has them, else on any protocol; (fraction, where it comes from)."""
    found = []
    for study, methods in results.items():
        for method, runs in methods.items():
            if len(runs) > 1:
                values = np.array([headline(r, PROTOCOLS[STUDIES[study].protocol])[0]
                                   for r in runs])
                found.append((STUDIES[study].protocol == protocol, values.std() / values.mean(),
                              f'{study}: {method}'))
    if not found:
        return float('nan'), 'no method has two seeds to measure it by'
    same, ratio, where = max(found)
    return ratio, (f'{100 * ratio:.1f} % of the mean, the largest relative std over seeds '
                   f'({where}{"" if same else ", another protocol"})')


class Claim(NamedTuple):
    """A claim of a paper: ``better`` beats ``worse`` in ``study`` (on the protocol's faces, or
    on ``subsets``)."""
    study: str
    text: str
    paper: str
    better: str
    worse: str
    subsets: Optional[Tuple[str, ...]] = None


WING, AWING, STAR = 'Wing (Feng et al., CVPR 2018)', 'AWing (Wang et al., ICCV 2019)', \
    'STAR (Zhou et al., CVPR 2023)'
RWING = 'Rectified Wing (Feng et al., IJCV 2020)'
CLAIMS = [
    Claim('loss', 'Wing beats L2', WING, 'Wing', 'L2'),
    Claim('loss', 'Wing beats L1', WING, 'Wing', 'L1'),
    Claim('loss', 'Wing beats smooth L1', WING, 'Wing', 'smooth L1'),
    Claim('loss', 'L1 beats L2', WING, 'L1', 'L2'),
    Claim('loss_noise', 'Wing beats L2 with annotation noise', WING, 'Wing', 'L2'),
    Claim('loss_noise', 'Wing beats L1 with annotation noise', WING, 'Wing', 'L1'),
    Claim('loss_noise', 'Wing beats smooth L1 with annotation noise', WING, 'Wing', 'smooth L1'),
    Claim('loss_noise', 'Rectified Wing beats Wing with annotation noise', RWING, 'RWing',
          'Wing'),
    Claim('pdb', 'PDB improves the large poses (yaw 45-90)', WING, 'CNN6, Wing + PDB',
          'CNN6, Wing', ('yaw_45_90', )),
    Claim('pdb', 'PDB improves the full set', WING, 'CNN6, Wing + PDB', 'CNN6, Wing'),
    Claim('architecture', 'CNN7 beats CNN6', WING, CNN7, 'CNN6'),
    Claim('architecture', 'the two-stage CNN6 -> CNN7 beats CNN6', WING, TWO_STAGE, 'CNN6'),
    Claim('w300', 'the two-stage CNN6 -> CNN7 beats CNN6 on 68 points', WING, TWO_STAGE,
          'CNN6'),
    Claim('heatmap', 'AWing beats MSE', AWING, 'AWing', 'MSE'),
    Claim('heatmap', 'the weighted loss map helps AWing', AWING, 'AWing + map', 'AWing'),
    Claim('heatmap', 'STAR helps AWing + map', STAR, 'AWing + map + STAR', 'AWing + map'),
]


class Verdict(NamedTuple):
    claim: Claim
    verdict: str  # one of VERDICTS
    evidence: str


def decide(claim: Claim, results: Results, mean_shape: Dict[str, float]) -> Optional[Verdict]:
    """The verdict of ``claim`` (None when its study has not run both methods).

    Decided when the gap between the two means exceeds the spread over seeds: the larger std
    of the two methods where both have two seeds or more, else :func:`seed_spread` of the
    larger mean; undecided otherwise, and when neither method beats the mean shape.
    """
    runs = results.get(claim.study, {})
    if claim.better not in runs or claim.worse not in runs:
        return None
    protocol = PROTOCOLS[STUDIES[claim.study].protocol]
    better, worse = (np.array([headline(r, protocol, claim.subsets)[0] for r in runs[m]])
                     for m in (claim.better, claim.worse))
    gap = worse.mean() - better.mean()
    where = f'{protocol.metric} %' + (f', {" + ".join(claim.subsets)}' if claim.subsets else
                                      f', {" + ".join(protocol.subsets)}' if protocol.subsets
                                      else '')
    if np.isnan(gap):
        return Verdict(claim, 'undecided', f'not measured: no test face in {where}')
    if min(len(better), len(worse)) > 1:
        spread, how = max(better.std(), worse.std()), 'the larger std over seeds'
    else:
        ratio, how = seed_spread(results, STUDIES[claim.study].protocol)
        spread = ratio * max(better.mean(), worse.mean())
        how = 'one seed; spread: ' + how
    evidence = (f'{claim.better} {spread_of(better)} vs {claim.worse} {spread_of(worse)} '
                f'({where}): gap {gap:+.2f}, spread {spread:.2f} ({how})')
    baseline = mean_shape[claim.study]
    if claim.subsets is None and min(better.mean(), worse.mean()) >= baseline:
        return Verdict(claim, 'undecided', evidence + f'; neither beats the mean shape, '
                       f'{baseline:.2f}')
    if np.isnan(spread):
        return Verdict(claim, 'undecided', evidence + '; no spread to judge the gap by')
    if not abs(gap) > spread:
        return Verdict(claim, 'undecided', evidence + '; the gap is within the spread')
    return Verdict(claim, 'reproduced' if gap > 0 else 'contradicted', evidence)


def verdicts(results: Results, mean_shape: Dict[str, float]) -> List[Verdict]:
    """The verdicts of :data:`CLAIMS` whose studies ran."""
    return [v for v in (decide(claim, results, mean_shape) for claim in CLAIMS) if v]
