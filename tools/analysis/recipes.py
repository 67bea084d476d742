"""Check the paper configs against configs/recipes.yml, or write docs/recipes.md from it.

    python tools/analysis/recipes.py            # check: list every config value that differs
    python tools/analysis/recipes.py --write    # regenerate docs/recipes.md
"""
import argparse
import os.path as osp
import sys

from wingpose.utils import configs_root
from wingpose.utils.recipes import check_recipes, load_recipes, recipes_markdown

DOCS = osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'docs',
                'recipes.md')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--recipes', default=osp.join(configs_root(), 'recipes.yml'))
    parser.add_argument('--write', action='store_true', help=f'write {DOCS}')
    args = parser.parse_args()
    recipes = load_recipes(args.recipes)
    if args.write:
        with open(DOCS, 'w') as f:
            f.write(recipes_markdown(recipes) + '\n')
        print(f'wrote {DOCS}')
        return
    problems = check_recipes(recipes, configs_root())
    for problem in problems:
        print(problem)
    count = sum(len(r['configs']) for r in recipes.values())
    print(f'{count} configs, {len(problems)} differences from {args.recipes}')
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
