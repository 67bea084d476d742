"""Write the embedded synthetic face benchmark (68-point and AFLW-19 JSON + images).

    python tools/dataset_converters/make_synthetic_faces.py --out data/synthface \
        --num-train 2000 --num-test 400 --seed 0 [--label-noise 2]

``--label-noise P`` adds annotation noise to the training labels: Gaussian, of std P % of the
inter-ocular distance along each landmark's contour and P / 2 % across it; the test labels
stay exact.
"""
import argparse
import sys
import time

from wingpose.datasets.synthetic import YAW_BANDS, generate_synthetic_faces

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='data/synthface')
    parser.add_argument('--num-train', type=int, default=2000)
    parser.add_argument('--num-test', type=int, default=400)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--image-size', type=int, default=256)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--label-noise', type=float, default=0.,
                        help='annotation noise of the training labels, %% of the inter-ocular '
                        'distance along the contours (half across)')
    args = parser.parse_args()
    start = time.time()
    try:
        counts = generate_synthetic_faces(args.out, args.num_train, args.num_test, args.seed,
                                          args.image_size, args.workers, args.label_noise)
    except ValueError as error:
        sys.exit(f'error: {error}')
    for split, count in counts.items():
        bands = ', '.join(f'{count[name]} {name}' for name, *_ in YAW_BANDS)
        print(f'{split}: {count["images"]} faces ({bands}; {count["frontal"]} AFLW-frontal '
              'in the 19-point set)')
    print(f'{args.out} ready in {time.time() - start:.1f} s')
