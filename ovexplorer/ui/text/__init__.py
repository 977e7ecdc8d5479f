"""The text view of language models (prompt, tokens, next-token chart, streamed generation with Stop, encoder
answers) and the LLM latency view (TTFT, TPOT, tokens/s, sweep over prompt lengths), inside the Run tab."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "text_install": ("install_text_view", "architecture_html"),
    "text_view": ("TextView",),
    "llm_latency_view": ("LlmLatencyView",),
    "next_token_chart": ("NextTokenChart",),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
