"""Input data for a model's inputs: typed values, generated data, pictures and files (npy/npz, raw, text), each
checked against the input and fitted to it (Qt-free; pictures are decoded by the caller)."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "tensor_fit": ("concrete_shape", "describe_array", "expected", "fit_array"),
    "typed_values": ("parse_values",),
    "npy_files": ("match_npz", "read_npz"),
    "pictures": ("IMAGE_SUFFIXES", "MAX_IMAGE_PIXELS", "ImagePreprocess", "check_image_size", "guess_layout",
                 "image_inputs", "image_misfit", "preprocess_image", "resize_image"),
    "file_inputs": ("ARRAY_SUFFIXES", "INPUT_SUFFIXES", "MAX_TEXT_BYTES", "RAW_SUFFIXES", "TEXT_SUFFIXES", "fit_file",
                    "inputs_for_file", "load_array"),
    "sources": ("DISTRIBUTIONS", "SOURCE_KINDS", "InputSource", "default_random_source", "filled", "fit_beam_idx",
                "make_tensor", "random_tensor"),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
