"""Decoding inputs (core, no Qt): .npy, .npz, raw, text, typed values, random, pictures; and their refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ovexplorer.core.run import inputs
from ovexplorer.core.run.inputs import npy_files
from ovexplorer.core.run.ports import PortSpec
from ovexplorer.core.util.errors import InputError

X = PortSpec("x", 0, "[1,2]", ((1, 1), (2, 2)), "f32", ("x",))
IDS = PortSpec("ids", 1, "[2]", ((2, 2),), "i64", ("ids",))
DYN = PortSpec("data", 0, "[?,3]", ((0, -1), (3, 3)), "f32", ("data",))
IMG = PortSpec("image", 0, "[1,3,4,6]", ((1, 1), (3, 3), (4, 4), (6, 6)), "f32", ("image",))
NHWC = PortSpec("pic", 0, "[1,4,6,3]", ((1, 1), (4, 4), (6, 6), (3, 3)), "u8", ("pic",))


def test_npy_exact_and_squeezed_and_cast(tmp_path: Path) -> None:
    p = tmp_path / "a.npy"
    np.save(p, np.array([[2.0, 3.0]]))  # float64 -> f32 is fine
    a = inputs.load_array(p, X)
    assert a.dtype == np.float32 and a.tolist() == [[2.0, 3.0]]
    np.save(p, np.array([2, 3], np.int32))  # [2] for [1,2], ints for floats
    assert inputs.load_array(p, X).tolist() == [[2.0, 3.0]]


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.zeros((1, 3)), r"a.npy holds float64 \[1,3\]; input x expects \[1,2\] f32"),
        (np.zeros((2, 2, 2)), r"holds float64 \[2,2,2\]"),
        (np.array(["a", "b"]), r"holds str32 values; input x expects f32 numbers"),
    ],
)
def test_npy_that_does_not_fit(tmp_path: Path, array: np.ndarray, message: str) -> None:
    p = tmp_path / "a.npy"
    np.save(p, array)
    with pytest.raises(InputError, match=message):
        inputs.load_array(p, X)


def test_npy_float_for_int_input_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "ids.npy"
    np.save(p, np.array([1.5, 2.0]))
    with pytest.raises(InputError, match=r"input ids expects \[2\] i64 \(converting float64 to i64"):
        inputs.load_array(p, IDS)


def test_npy_with_objects_empty_and_corrupt(tmp_path: Path) -> None:
    p = tmp_path / "obj.npy"
    np.save(p, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(InputError, match=r"obj.npy holds Python objects"):
        inputs.load_array(p, X)
    empty = tmp_path / "empty.npy"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty.npy is empty \(0 bytes\)"):
        inputs.load_array(empty, X)
    bad = tmp_path / "bad.npy"
    bad.write_bytes(b"not numpy at all")
    with pytest.raises(InputError, match=r"bad.npy is not a valid .npy file"):
        inputs.load_array(bad, X)


def test_npy_sets_dynamic_shape(tmp_path: Path) -> None:
    p = tmp_path / "d.npy"
    np.save(p, np.ones((5, 3), np.float32))
    assert inputs.load_array(p, DYN).shape == (5, 3)
    np.save(p, np.ones((5, 4), np.float32))
    with pytest.raises(InputError, match=r"holds float32 \[5,4\]; input data expects \[\?,3\] f32"):
        inputs.load_array(p, DYN)


def test_npz_by_name_then_order(tmp_path: Path) -> None:
    p = tmp_path / "both.npz"
    np.savez(p, ids=np.array([4, 5]), other=np.array([[1.0, 2.0]]))
    matched = inputs.match_npz(p, (X, IDS))
    assert matched["ids"].tolist() == [4, 5] and matched["x"].tolist() == [[1.0, 2.0]]
    assert inputs.load_array(p, IDS).tolist() == [4, 5]
    with pytest.raises(InputError, match="none is named x"):
        inputs.load_array(p, X)
    assert inputs.inputs_for_file(p, (X, IDS)) == ["x", "ids"]
    objs = tmp_path / "objs.npz"
    np.savez(objs, x=np.array([None, 1], dtype=object))
    with pytest.raises(InputError, match=r"objs.npz: array 'x' holds Python objects"):
        inputs.load_array(objs, X)


def test_raw_bytes_must_match(tmp_path: Path) -> None:
    p = tmp_path / "x.bin"
    np.array([2.0, 3.0], np.float32).tofile(p)
    assert inputs.load_array(p, X).tolist() == [[2.0, 3.0]]
    p.write_bytes(b"\0" * 12)
    with pytest.raises(InputError, match=r"x.bin holds 12 bytes; input x expects \[1,2\] f32 = 8 bytes"):
        inputs.load_array(p, X)
    raw = tmp_path / "d.raw"
    np.zeros(6, np.float32).tofile(raw)
    with pytest.raises(InputError, match=r"dynamic shape \[\?,3\]; set its shape first"):
        inputs.load_array(raw, DYN)
    assert inputs.load_array(raw, DYN, (2, 3)).shape == (2, 3)


def test_text_numbers(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("2, 3\n")
    assert inputs.load_array(p, X).tolist() == [[2.0, 3.0]]
    p.write_text("1,2,3\n4,5,6\n")
    assert inputs.load_array(p, DYN).tolist() == [[1, 2, 3], [4, 5, 6]]  # rows set the dynamic shape
    p.write_text("1 2 3")
    with pytest.raises(InputError, match=r"x.csv: 3 numbers, but input x expects 2 \(\[1,2\] f32\)"):
        inputs.load_array(p, X)
    p.write_text("1, two")
    with pytest.raises(InputError, match="'two' is not a number"):
        inputs.load_array(p, X)


def test_typed_values() -> None:
    assert inputs.parse_values("2, 3", X).tolist() == [[2.0, 3.0]]
    assert inputs.parse_values("[7 8]", IDS).dtype == np.int64
    assert inputs.parse_values("1 2 3 4 5 6", DYN).shape == (2, 3)
    with pytest.raises(InputError, match=r"Typed values for x: 1 number, but input x expects 2"):
        inputs.parse_values("2", X)
    with pytest.raises(InputError, match="nothing typed"):
        inputs.parse_values("  ", X)
    with pytest.raises(InputError, match="ids expects i64"):
        inputs.parse_values("1.5 2", IDS)


def test_random_is_seeded_and_typed() -> None:
    a = inputs.random_tensor((2, 3), np.float32, seed=1)
    assert a.dtype == np.float32 and np.array_equal(a, inputs.random_tensor((2, 3), np.float32, seed=1))
    assert not np.array_equal(a, inputs.random_tensor((2, 3), np.float32, seed=2))
    assert 0 <= a.min() and a.max() < 1
    n = inputs.random_tensor((10000,), np.float32, distribution="normal", low=5, high=2)
    assert abs(n.mean() - 5) < 0.1 and abs(n.std() - 2) < 0.1
    i = inputs.random_tensor((100,), np.int64, low=0, high=9)
    assert i.dtype == np.int64 and i.min() >= 0 and i.max() <= 9
    assert inputs.filled((2,), np.float32, 1).tolist() == [1.0, 1.0]


def test_picture_preprocessing_nchw_and_nhwc() -> None:
    rgb = np.zeros((8, 12, 3), np.uint8)
    rgb[..., 0] = 200  # red picture
    t = inputs.preprocess_image(rgb, IMG)
    assert t.shape == (1, 3, 4, 6) and t.dtype == np.float32
    assert np.allclose(t[0, 0], 200) and np.allclose(t[0, 1:], 0)
    bgr = inputs.preprocess_image(rgb, IMG, pre=inputs.ImagePreprocess(channel_order="BGR"))
    assert np.allclose(bgr[0, 2], 200)
    norm = inputs.preprocess_image(rgb, IMG, pre=inputs.ImagePreprocess(mean=(100, 0, 0), scale=(2, 1, 1)))
    assert np.allclose(norm[0, 0], 50)
    u8 = inputs.preprocess_image(rgb, NHWC)
    assert u8.shape == (1, 4, 6, 3) and u8.dtype == np.uint8 and u8[0, 0, 0].tolist() == [200, 0, 0]
    with pytest.raises(InputError, match="turn resizing on"):
        inputs.preprocess_image(rgb, IMG, pre=inputs.ImagePreprocess(resize=False))
    with pytest.raises(InputError, match="does not look like an image input"):
        inputs.preprocess_image(rgb, X)


def test_resize_keeps_a_flat_picture_flat_and_averages() -> None:
    flat = np.full((300, 400, 3), 77, np.uint8)
    assert np.allclose(inputs.resize_image(flat, 30, 40), 77, atol=1e-3)
    stripes = np.zeros((4, 4, 1), np.uint8)
    stripes[:, ::2] = 255
    small = inputs.resize_image(stripes, 2, 2)
    assert small.shape == (2, 2, 1) and np.all((small > 90) & (small < 165))  # anti-aliased, not sampled


def test_layout_guess_and_image_routing() -> None:
    assert inputs.guess_layout(IMG) == "NCHW" and inputs.guess_layout(NHWC) == "NHWC"
    assert inputs.guess_layout(X) == "NC" and inputs.guess_layout(DYN) == "NC"
    assert inputs.image_inputs((X, IMG)) == ["image"]


def test_huge_picture_is_refused() -> None:
    inputs.check_image_size(8000, 5000, "ok.png")
    with pytest.raises(InputError, match=r"big.png is 20000 x 20000 pixels \(400 megapixels\)"):
        inputs.check_image_size(20000, 20000, "big.png")
    with pytest.raises(InputError, match="cannot be decoded"):
        inputs.check_image_size(0, 0, "broken.png")


def test_inputs_for_file_routes_by_fit(tmp_path: Path) -> None:
    p = tmp_path / "ids.npy"
    np.save(p, np.array([1, 2]))
    assert inputs.inputs_for_file(p, (X, IDS)) == ["x", "ids"]  # [2] fits [1,2] too; ints fit floats
    np.save(p, np.array([[1.0, 2.0, 3.0]]))
    assert inputs.inputs_for_file(p, (X, IDS, DYN)) == ["data"]
    assert inputs.inputs_for_file(tmp_path / "pic.png", (X, IMG)) == ["image"]
    with pytest.raises(InputError, match=r"unknown input file type \.doc"):
        inputs.load_array(tmp_path / "notes.doc", X)


def test_fit_file_reads_once_and_says_why_nothing_fits(tmp_path: Path, monkeypatch) -> None:
    p = tmp_path / "row.npy"
    np.save(p, np.array([[1.0, 2.0, 3.0]], np.float32))
    reads = []
    original = npy_files.npy_from_stream
    monkeypatch.setattr(npy_files, "npy_from_stream", lambda *a, **k: reads.append(1) or original(*a, **k))
    assert list(inputs.fit_file(p, (X, IDS, DYN))) == ["data"]
    assert len(reads) == 1
    raw = tmp_path / "two.bin"
    np.array([1, 2], np.int64).tofile(raw)
    assert list(inputs.fit_file(raw, (X, IDS), first=True)) == ["ids"]
    with pytest.raises(InputError) as info:
        inputs.fit_file(p, (X, IDS))
    assert info.value.message.startswith("row.npy fits none of the inputs: row.npy holds float32 [1,3]; input x")
    assert "input ids expects [2] i64" in info.value.message
