"""Language models: export folders (tokenizer, configs), architecture and KV cache, tokenization, next-token and
generation (own loop or openvino-genai), encoders (fill-mask, labels, embeddings) and LLM latency (TTFT, TPOT)."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "deps": ("TextDependencyError", "available", "require"),
    "export_folder": ("TextExport", "find_export", "export_model_path"),
    "architecture": ("Architecture", "Compression", "describe_architecture", "weight_compression"),
    "tokenizer": ("TextTokenizer", "Tokens"),
    "token_inputs": ("fill_token_inputs", "token_input_names", "random_token_ids"),
    "sampling": ("SamplingConfig", "Sampler"),
    "decoder": ("DecoderSession", "GenerationResult", "NextToken", "TokenEvent"),
    "genai_path": ("GenaiGenerator",),
    "encoder": ("EncoderSession", "cosine"),
    "llm_latency": ("LatencyPoint", "measure_latency", "sweep_prompt_lengths"),
    "text_state": ("TextModel", "TokenStream", "open_text_model", "span_colors"),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
