"""tools/demo.py on a real photo and the ONNX export round trip, from a briefly trained model."""
import os.path as osp

import cv2
import numpy as np
import pytest

from ..utils import run_tool, tiny_options

CONFIG = 'configs/synthface/cnn6-cnn7_wing_synthface.py'


@pytest.fixture(scope='module')
def checkpoint(synthface, tmp_path_factory):
    work_dir = str(tmp_path_factory.mktemp('two_stage'))
    run_tool('tools/train.py', CONFIG, '--work-dir', work_dir, *tiny_options(synthface, CONFIG))
    return osp.join(work_dir, 'epoch_1.pth')


def test_demo_draws_landmarks_on_a_photo(checkpoint, tmp_path):
    from skimage import data
    photo = tmp_path / 'astronaut.png'
    cv2.imwrite(str(photo), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    out = tmp_path / 'drawn.png'
    result = run_tool('tools/demo.py', str(photo), '--config', CONFIG, '--checkpoint',
                      checkpoint, '--out', str(out))
    assert 'box from Haar cascade, 68 landmarks' in result.stdout
    drawn, original = cv2.imread(str(out)), cv2.imread(str(photo))
    assert drawn.shape == original.shape
    changed = np.argwhere(np.abs(drawn.astype(int) - original).sum(-1) > 60)
    assert len(changed) > 100  # landmarks and box drawn
    result = run_tool('tools/demo.py', str(photo), '--config', CONFIG, '--checkpoint',
                      checkpoint, '--bbox', '10,20,0,5', check=False)
    assert result.returncode != 0 and 'positive width and height' in result.stderr
    # --out into a folder that does not exist yet
    nested = tmp_path / 'new' / 'folder' / 'drawn.png'
    run_tool('tools/demo.py', str(photo), '--config', CONFIG, '--checkpoint', checkpoint,
             '--bbox', '150,20,180,200', '--out', str(nested))
    assert cv2.imread(str(nested)).shape == original.shape


def test_demo_and_export_refuse_weights_that_do_not_fit(checkpoint, tmp_path):
    """The two-stage checkpoint is not CNN7's: the demo (both backends) and the export stop
    with the mismatched tensors; the export needs a checkpoint or --random-weights."""
    cnn7 = 'configs/synthface/cnn7_wing_synthface.py'
    photo = tmp_path / 'face.png'
    cv2.imwrite(str(photo), np.full((64, 64, 3), 128, np.uint8))
    for backend in ('pytorch', 'onnxruntime'):
        result = run_tool('tools/demo.py', str(photo), '--config', cnn7, '--checkpoint',
                          checkpoint, '--backend', backend, check=False)
        assert result.returncode != 0
        assert f'checkpoint {checkpoint} does not fit the model' in result.stderr
        assert 'unexpected tensors: coarse_backbone.' in result.stderr
    out = str(tmp_path / 'm.onnx')
    result = run_tool('tools/deployment/export_onnx.py', cnn7, checkpoint, '--out', out,
                      check=False)
    assert result.returncode != 0 and 'unexpected tensors: ' in result.stderr
    assert not osp.exists(out)
    result = run_tool('tools/deployment/export_onnx.py', cnn7, '--out', out, check=False)
    assert result.returncode != 0 and 'or --random-weights' in result.stderr
    assert not osp.exists(out)


@pytest.mark.parametrize('config', [CONFIG, 'configs/synthface/cnn6_wing_synthface.py',
                                    'configs/synthface/cnn7_wing_synthface.py'])
def test_onnx_round_trip(config, checkpoint, tmp_path):
    args = [config] + ([checkpoint] if config == CONFIG else ['--random-weights'])
    result = run_tool('tools/deployment/export_onnx.py', *args, '--out', str(tmp_path / 'm.onnx'))
    difference = float(result.stdout.rsplit('= ', 1)[1])
    # float32 rounding: landmarks in pixels of crops up to 256 wide (one ulp 3e-5) agree to a
    # few ulps (the two-stage model with this suite's checkpoint: 1.2e-4)
    assert difference < 5e-4


@pytest.mark.parametrize('config', [CONFIG, 'configs/synthface/cnn6_wing_synthface.py',
                                    'configs/synthface/cnn7_wing_synthface.py'])
def test_onnxruntime_gives_pytorchs_landmarks_on_an_image(config, checkpoint, tmp_path):
    """MMPose's inference_topdown with the PyTorch model (flip test as configured) and with
    the exported graph in ONNX Runtime behind MMPose's model interface: the same landmarks,
    within 1e-3 px, on the same boxes; and through MMPose's inferencer on the whole image."""
    from mmengine.config import Config
    from mmpose.apis import MMPoseInferencer, inference_topdown, init_model
    from skimage import data

    from wingpose.apis.deployment import export_onnx, landmark_graph, onnxruntime_config
    from wingpose.registry import MODELS
    weights = checkpoint if config == CONFIG else None
    image = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    boxes = np.array([[150, 20, 330, 220], [100, 0, 400, 300]], dtype=np.float32)
    graph = landmark_graph(Config.fromfile(config), weights, random_weights=weights is None)
    export_onnx(graph, str(tmp_path / 'm.onnx'))
    model = init_model(config, weights, device='cpu')
    if weights is None:  # the same initial weights as the exported graph
        model.load_state_dict(graph.model.state_dict())
    # MMPose's init_model reads model.backbone unless cfg_options is given
    ort_cfg = onnxruntime_config(Config.fromfile(config), str(tmp_path / 'm.onnx'), threads=2)
    ort_model = init_model(ort_cfg, None, device='cpu', cfg_options={})
    with pytest.raises(ValueError, match="runs inference only: mode must be 'tensor' or "):
        ort_model(None, None, mode='loss')
    with pytest.raises(ValueError, match='does not train: train_cfg must be empty'):
        MODELS.build(dict(ort_cfg.model, train_cfg=dict(a=1)))
    pytorch, onnx = (np.stack([r.pred_instances.keypoints[0]
                               for r in inference_topdown(m, image, boxes)])
                     for m in (model, ort_model))
    assert onnx.shape == pytorch.shape == (2, 68, 2)
    np.testing.assert_allclose(onnx, pytorch, atol=1e-3)
    assert np.ptp(onnx[:, :, 0]) > 1  # not a degenerate constant output

    photo = str(tmp_path / 'astronaut.png')
    cv2.imwrite(photo, image)
    ort_cfg.dump(str(tmp_path / 'ort_config.py'))
    (face, ) = next(MMPoseInferencer(pose2d=str(tmp_path / 'ort_config.py'), device='cpu',
                                     det_model='whole_image')(photo))['predictions'][0]
    whole_image = np.array([[0, 0, image.shape[1], image.shape[0]]], dtype=np.float32)
    reference = inference_topdown(model, image, whole_image)[0].pred_instances.keypoints[0]
    np.testing.assert_allclose(face['keypoints'], reference, atol=1e-3)


def test_onnxruntime_estimator_errors(tmp_path):
    from mmengine.config import Config

    from wingpose.apis.deployment import onnxruntime_config
    from wingpose.models import OnnxRuntimeTopdownEstimator
    with pytest.raises(FileNotFoundError, match='missing.onnx does not exist: export it'):
        OnnxRuntimeTopdownEstimator(str(tmp_path / 'missing.onnx'))
    cfg = Config.fromfile('configs/synthface/hrnetv2-w18-small_awing_synthface.py')
    cfg.model.head.decoder.unbiased = True
    with pytest.raises(ValueError, match=r"no graph decoding for the codec \{'type': "
                                         "'MSRAHeatmap'.*'unbiased': True"):
        onnxruntime_config(cfg, 'x.onnx')


def test_onnxruntime_config_keeps_the_dataset_meta_behind_pdb():
    """MMPose's init_model and inferencers read the dataset meta from the training dataset's
    config: behind PDB's wrapper it would fall back to COCO's 17 keypoints."""
    from mmengine.config import Config

    from wingpose.apis.deployment import onnxruntime_config  # (before mmpose.apis: compat)
    from mmpose.apis.inference import dataset_meta_from_config  # isort: skip
    cfg = Config.fromfile('configs/synthface/cnn6-cnn7_wing_pdb_synthface.py')
    # the PDB configs repeat the keypoint info at the wrapper, where MMPose looks
    assert dataset_meta_from_config(cfg)['num_keypoints'] == 68
    meta = dataset_meta_from_config(onnxruntime_config(cfg, 'model.onnx'))
    assert meta['num_keypoints'] == 68
    assert meta['flip_indices'][:3] == [16, 15, 14]


def test_compiled_graph_gives_eager_landmarks(checkpoint):
    """compile_for_inference (TorchInductor, frozen weights) against eager PyTorch."""
    import torch
    from mmengine.config import Config

    from wingpose.apis.deployment import compile_for_inference, landmark_graph
    graph = landmark_graph(Config.fromfile(CONFIG), checkpoint)
    w, h = graph.input_size
    crops = torch.rand(3, 3, h, w, generator=torch.Generator().manual_seed(0)) * 255
    with torch.inference_mode():
        expected = graph(crops)[0]
        compiled = compile_for_inference(graph)(crops)[0]
    assert expected.shape == (3, 68, 2) and expected.std() > 1
    torch.testing.assert_close(compiled, expected, atol=1e-3, rtol=0)


def test_demo_with_onnxruntime(checkpoint, tmp_path):
    from skimage import data
    photo = tmp_path / 'astronaut.png'
    cv2.imwrite(str(photo), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    out = tmp_path / 'drawn.png'
    result = run_tool('tools/demo.py', str(photo), '--config', CONFIG, '--checkpoint',
                      checkpoint, '--out', str(out), '--bbox', '150,20,180,200', '--backend',
                      'onnxruntime')
    assert 'box from given, 68 landmarks each (onnxruntime)' in result.stdout
    changed = np.abs(cv2.imread(str(out)).astype(int) - cv2.imread(str(photo))).sum(-1) > 60
    assert changed.sum() > 100
    # a heatmap model exported on the fly; another model's checkpoint refused
    from ..apis.test_inferencers import checkpoint_of
    heatmap = 'configs/synthface/hrnetv2-w18-small_awing_synthface.py'
    weights = str(tmp_path / 'hrnet.pth')
    checkpoint_of(heatmap, weights)
    result = run_tool('tools/demo.py', str(photo), '--config', heatmap, '--checkpoint', weights,
                      '--out', str(out), '--bbox', '150,20,180,200', '--backend', 'onnxruntime')
    assert 'box from given, 68 landmarks each (onnxruntime)' in result.stdout
    result = run_tool('tools/demo.py', str(photo), '--config', heatmap, '--checkpoint',
                      checkpoint, '--backend', 'onnxruntime', check=False)
    assert result.returncode != 0 and f'checkpoint {checkpoint} does not fit the model' in \
        result.stderr


@pytest.mark.parametrize('config', [
    'configs/star/stackedhg_star_wflw.py', 'configs/awing/stackedhg_awing_wflw.py',
    'configs/awing/hrnetv2-w18_awing_300w.py', 'configs/wing/cnn6-cnn7_300w.py'])
def test_every_model_kind_exports_with_its_decoding(config, synthface, tmp_path):
    """The paper configs (random weights) exported whole and run by ONNX Runtime behind MMPose's
    model interface give MMPose's own prediction (its codec's decode, the configured flip
    test) on synthetic faces, three at a time (the export's batch is 2): soft-argmax within
    0.01 px, the argmax decoders the same cell and refinement."""
    import glob

    import torch
    from mmengine.config import Config
    from mmpose.apis import inference_topdown, init_model

    from wingpose.apis.deployment import export_onnx, landmark_graph, onnxruntime_config
    cfg = Config.fromfile(config)
    torch.manual_seed(0)
    graph = landmark_graph(cfg, random_weights=True)
    export_onnx(graph, str(tmp_path / 'm.onnx'))
    ort_model = init_model(onnxruntime_config(cfg, str(tmp_path / 'm.onnx'), threads=2), None,
                           device='cpu', cfg_options={})
    model = graph.model
    model.cfg, model.dataset_meta = cfg, ort_model.dataset_meta
    image = cv2.imread(sorted(glob.glob(osp.join(synthface, 'images', 'test', '*.jpg')))[0])
    boxes = np.array([[10, 10, 118, 118], [0, 5, 100, 120], [20, 0, 128, 110]], np.float32)
    pytorch, onnx = ([r.pred_instances for r in inference_topdown(m, image, boxes)]
                     for m in (model, ort_model))
    keypoints = [np.concatenate([p.keypoints for p in ps]) for ps in (pytorch, onnx)]
    scores = [np.concatenate([p.keypoint_scores for p in ps]) for ps in (pytorch, onnx)]
    assert keypoints[1].shape == (3, model.head.out_channels if hasattr(
        model.head, 'out_channels') else model.head.num_joints, 2)
    exact = cfg.codec['type'] in ('AWingHeatmap', 'MSRAHeatmap')
    # an image pixel is 128 / 256 crop pixels: within 0.01 crop px, or equal to float rounding
    np.testing.assert_allclose(keypoints[1], keypoints[0], atol=1e-4 if exact else 5e-3)
    np.testing.assert_allclose(scores[1], scores[0], rtol=1e-4, atol=1e-6)
    assert np.ptp(keypoints[1][..., 0]) > 10  # not a degenerate constant output


def video_frames(path: str) -> list:
    capture = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            return frames
        frames.append(frame)


def test_demo_on_a_folder_of_frames_and_a_video(checkpoint, tmp_path):
    """A rendered clip: an annotated video of the same frame count and rate, and landmarks
    whose first frame (the detector's box, nothing to smooth yet) is single-image inference."""
    import json

    from mmpose.apis import inference_topdown, init_model

    from wingpose.datasets.synthetic.video import render_video
    from wingpose.utils import VideoSink
    frames, _ = render_video(0, 6, moving=True)
    folder = tmp_path / 'frames'
    folder.mkdir()
    for index, frame in enumerate(frames):
        cv2.imwrite(str(folder / f'{index:03d}.png'), frame)
    out = tmp_path / 'drawn.mp4'
    result = run_tool('tools/demo.py', str(folder), '--config', CONFIG, '--checkpoint',
                      checkpoint, '--out', str(out), '--fps', '10')
    assert f'{out}: 6 frames at 10 fps, 0 without a face' in result.stdout
    drawn = video_frames(str(out))
    assert len(drawn) == 6 and drawn[0].shape == frames[0].shape
    assert cv2.VideoCapture(str(out)).get(cv2.CAP_PROP_FPS) == 10
    saved = json.loads((tmp_path / 'drawn.json').read_text())
    assert [f['frame'] for f in saved['frames']] == list(range(6))
    (face, ) = saved['frames'][0]['faces']
    assert set(face) == {'face', 'box', 'landmarks', 'scores'}
    model = init_model(CONFIG, checkpoint, device='cpu')
    expected = inference_topdown(model, frames[0], np.array([face['box']], np.float32))
    np.testing.assert_allclose(face['landmarks'], expected[0].pred_instances.keypoints[0],
                               atol=1e-3)
    # a video file in, a still face gone from two frames: recorded as such, a new track after
    video = tmp_path / 'clip.avi'
    sink = VideoSink(str(video), 12, (640, 480))
    for index, frame in enumerate(render_video(0, 6)[0]):
        sink.write(np.full_like(frame, 110) if index in (2, 3) else frame)
    sink.close()
    result = run_tool('tools/demo.py', str(video), '--config', CONFIG, '--checkpoint',
                      checkpoint, '--detect-every-frame', '--no-smooth')
    assert len(video_frames(str(tmp_path / 'clip_landmarks.mp4'))) == 6
    assert ' 6 frames at 12 fps, 2 without a face' in result.stdout
    saved = json.loads((tmp_path / 'clip_landmarks.json').read_text())
    tracks = [[face['face'] for face in frame['faces']] for frame in saved['frames']]
    assert tracks == [[0], [0], [], [], [1], [1]]


def test_demo_names_what_it_cannot_read_or_write(checkpoint, tmp_path):
    (tmp_path / 'empty').mkdir()
    broken = tmp_path / 'broken.mp4'
    broken.write_text('not a video')
    frames = tmp_path / 'frames'
    frames.mkdir()
    cv2.imwrite(str(frames / '0.png'), np.zeros((32, 32, 3), np.uint8))
    for args, message in (
            ([str(tmp_path / 'empty')], f'error: no frames in {tmp_path / "empty"}: a folder'),
            ([str(broken)], f'error: cannot open or decode the video {broken}'),
            ([str(tmp_path / 'missing.mp4')], 'error: video not found: '),
            ([str(frames), '--out', str(tmp_path / 'out.xyz')],
             'cannot write the video ' + str(tmp_path / 'out.xyz') + ': the extension must')):
        result = run_tool('tools/demo.py', *args, '--config', CONFIG, '--checkpoint',
                          checkpoint, check=False)
        assert result.returncode != 0 and message in result.stderr, result.stderr[-2000:]
        assert 'Traceback' not in result.stderr
