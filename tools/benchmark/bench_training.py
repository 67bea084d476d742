"""Training speed of the reproduction's runs against their models' own: samples/s of each
run (its log) over the samples/s of its model's training step alone at the same batch.

    python tools/benchmark/bench_training.py [--results docs/results.json] [--threads 1]

The model's rate: MMEngine's ``model.train_step`` (preprocessing, forward, loss, backward,
optimizer step) repeated on one batch of the config's training pipeline from the data of
``--data``, ``--threads`` intra-op threads (the reproduction runs each run on one), median of
``--repeats`` rounds, measured twice: alone on the machine, and beside a second process that
repeats the same step (the reproduction's layout: two runs at once, one core each, which share
the caches and the memory bus). The runs' rates come from ``results.json`` (written by
``tools/reproduce.py``: the median time of the training iterations its log reports); the
ratio to the model beside another says what data loading and the runner's per-iteration
overheads cost a run, the ratio to the model alone adds what running two at once costs each.
"""
import argparse
import json
import multiprocessing
import statistics
import time
from collections import OrderedDict
from typing import Callable, List, Tuple

import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

import wingpose  # noqa: F401
from wingpose.datasets import data_root_options
from wingpose.registry import DATASETS, MODELS
from wingpose.utils import cfg_options


def training_step(config: str, options: List[str], data_root: str,
                  threads: int) -> Tuple[Callable[[], None], int]:
    """``config``'s training step (with a run's ``options``) on a batch of its training
    pipeline, as a function of no argument, and the batch size."""
    torch.set_num_threads(threads)
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(cfg_options([o for o in options + data_root_options(cfg, data_root)
                                     if not o.startswith('model.stage_checkpoints')]))
    init_default_scope('wingpose')
    model = MODELS.build(cfg.model)  # random weights time as trained ones
    model.train()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    batch_size = cfg.train_dataloader.batch_size
    batch = pseudo_collate([dataset[i] for i in range(batch_size)])
    for _ in range(2):  # warm-up
        model.train_step(batch, optim_wrapper)
    return lambda: model.train_step(batch, optim_wrapper), batch_size


def repeat_step(config: str, options: List[str], data_root: str, threads: int,
                ready, stop) -> None:
    """Repeat ``config``'s training step until ``stop`` is set (the neighbour of a timing)."""
    step, _ = training_step(config, options, data_root, threads)
    ready.set()
    while not stop.is_set():
        step()


def model_rate(config: str, options: List[str], data_root: str, threads: int, repeats: int,
               beside: bool) -> float:
    """Samples/s of ``config``'s training step, alone or ``beside`` a process repeating it."""
    step, batch_size = training_step(config, options, data_root, threads)
    if beside:
        context = multiprocessing.get_context('spawn')
        ready, stop = context.Event(), context.Event()
        neighbour = context.Process(target=repeat_step, args=(
            config, options, data_root, threads, ready, stop))
        neighbour.start()
        ready.wait()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    if beside:
        stop.set()
        neighbour.join()
    return batch_size / statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--results', default='docs/results.json')
    parser.add_argument('--data', default='data/synthface')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--repeats', type=int, default=20)
    args = parser.parse_args()
    with open(args.results) as f:
        studies = json.load(f)['studies']
    runs = OrderedDict()
    for entry in studies.values():
        for method in entry['methods'].values():
            key = (method['config'], tuple(method['options']))
            runs.setdefault(key, []).append(method['samples_per_s'])
    threads = f'{args.threads} thread{"s" if args.threads > 1 else ""}'
    print(f'| config | run samples/s | model samples/s alone ({threads}) | run / model alone | '
          'model samples/s beside another | run / model beside another |\n'
          '|---|---:|---:|---:|---:|---:|')
    for (config, options), rates in runs.items():
        run = statistics.mean(rates)
        alone, beside = (model_rate(config, list(options), args.data, args.threads,
                                    args.repeats, beside) for beside in (False, True))
        staged = any(o.startswith('model.stage_checkpoints') for o in options)
        print(f'| `{config}`{" (staged)" if staged else ""} | {run:.0f} | {alone:.0f} | '
              f'{run / alone:.2f} | {beside:.0f} | {run / beside:.2f} |', flush=True)


if __name__ == '__main__':
    main()
