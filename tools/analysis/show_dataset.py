"""Draw a grid of samples of a COCO-style face-landmark file with their landmarks (PNG).

    python tools/analysis/show_dataset.py data/synthface/annotations/synthface_68_train.json \
        data/synthface/images docs/synthface_samples.png --num 16 --cols 4

Green: visible landmarks; red: labelled but occluded; the face box in blue; subset names as
captions.
"""
import argparse
import json
import os
import os.path as osp
import sys

import cv2
import numpy as np


def draw_sample(image: np.ndarray, ann: dict, size: int) -> np.ndarray:
    """The face crop (box padded by 25 %) resized to ``size``, landmarks and box drawn."""
    x, y, w, h = ann['bbox']
    side = max(w, h) * 1.25
    cx, cy = x + w / 2, y + h / 2
    scale = size / side
    matrix = np.array([[scale, 0, size / 2 - cx * scale], [0, scale, size / 2 - cy * scale]])
    crop = cv2.warpAffine(image, matrix, (size, size), borderValue=(0, 0, 0))
    points = np.asarray(ann['keypoints'], dtype=np.float64).reshape(-1, 3)
    box = (np.array([[x, y], [x + w, y + h]]) @ matrix[:, :2].T + matrix[:, 2]).astype(int)
    cv2.rectangle(crop, tuple(box[0]), tuple(box[1]), (255, 128, 0), 1, cv2.LINE_AA)
    radius = max(1, size // 100)
    for px, py, flag in points:
        if flag == 0:
            continue
        u, v = np.array([px, py]) @ matrix[:, :2].T + matrix[:, 2]
        color = (0, 220, 0) if flag == 2 else (0, 0, 255)
        cv2.circle(crop, (int(round(u)), int(round(v))), radius, color, -1, cv2.LINE_AA)
    caption = ', '.join(ann.get('subset', [])) or ''
    if 'pose' in ann:
        caption = f'yaw {ann["pose"]["yaw"]:+.0f} ' + caption
    cv2.putText(crop, caption, (4, size - 6), cv2.FONT_HERSHEY_SIMPLEX, size / 512,
                (255, 255, 255), 1, cv2.LINE_AA)
    return crop


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file')
    parser.add_argument('image_root')
    parser.add_argument('out')
    parser.add_argument('--num', type=int, default=16)
    parser.add_argument('--cols', type=int, default=4)
    parser.add_argument('--size', type=int, default=192)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    with open(args.ann_file) as f:
        data = json.load(f)
    images = {image['id']: image for image in data['images']}
    annotations = data['annotations']
    if not annotations:
        sys.exit(f'error: {args.ann_file} has no annotations')
    chosen = np.random.default_rng(args.seed).choice(
        len(annotations), min(args.num, len(annotations)), replace=False)
    tiles = []
    for index in chosen:
        ann = annotations[index]
        path = osp.join(args.image_root, images[ann['image_id']]['file_name'])
        image = cv2.imread(path)
        if image is None:
            sys.exit(f'error: cannot read image {path} (annotation {ann["id"]})')
        tiles.append(draw_sample(image, ann, args.size))
    while len(tiles) % args.cols:
        tiles.append(np.zeros_like(tiles[0]))
    grid = np.vstack([np.hstack(tiles[i:i + args.cols]) for i in range(0, len(tiles), args.cols)])
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    cv2.imwrite(args.out, grid)
    print(f'{args.out}: {len(chosen)} samples of {args.ann_file}')


if __name__ == '__main__':
    main()
