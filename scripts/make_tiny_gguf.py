#!/usr/bin/env python3
"""Writes a tiny random-weight llama-architecture GGUF model for GRYPHGEN's tests.

It proves the llama.cpp server's wire protocol (chat, streaming, json_schema, embeddings, slots, metrics), not
quality: its output is gibberish. Nothing is downloaded; gguf-py comes from the llama.cpp source tree
(PYTHONPATH=<llama.cpp>/gguf-py).

Two details keep the server happy:
- byte-fallback tokens stay in the vocabulary (the tokenizer needs them) but can never be sampled freely, because
  a sampled lone byte is invalid UTF-8 and the server answers 500. Dimension 0 of the residual stream is a
  constant that no layer writes to, so a large negative output weight on it makes those logits hugely negative;
- the tokenizer's space prefix is off, or json_schema requests fail with "Failed to initialize samplers".
"""
import string
import sys

import numpy as np
import gguf

N_EMBD, N_HEAD, N_LAYER, N_FF, N_CTX = 64, 4, 2, 128, 2048
CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
WORDS = """def return import class self print if else for while in and or not true false null none json code test file
error pass fail the a of to is it on with as at by from this that main function value result list dict string int
float count word words line lines input output read write open close path name data error problem advice verdict
summary files content aligned unmet score action continue revert restart escalate abort checkpoint reason""".split()


def vocabulary():
    tokens, types, scores = [], [], []

    def add(text, kind, score=0.0):
        tokens.append(text)
        types.append(kind)
        scores.append(score)

    add("<unk>", gguf.TokenType.UNKNOWN)
    add("<s>", gguf.TokenType.CONTROL)
    add("</s>", gguf.TokenType.CONTROL)
    for b in range(256):
        add(f"<0x{b:02X}>", gguf.TokenType.BYTE)
    add("<|im_start|>", gguf.TokenType.CONTROL)
    add("<|im_end|>", gguf.TokenType.CONTROL)
    add("\u2581", gguf.TokenType.NORMAL, -1.0)
    for ch in string.ascii_letters + string.digits + string.punctuation:
        add(ch, gguf.TokenType.NORMAL, -2.0)
    seen = set(tokens)
    for i, word in enumerate(WORDS):
        for piece in (word, "\u2581" + word):
            if piece not in seen:
                seen.add(piece)
                add(piece, gguf.TokenType.NORMAL, -3.0 - i * 0.01)
    for a in string.ascii_lowercase:
        for b in "aeiou":
            pair = a + b
            if pair not in seen:
                seen.add(pair)
                add(pair, gguf.TokenType.NORMAL, -5.0)
    return tokens, types, scores


def main(path):
    rng = np.random.default_rng(20261126)
    tokens, types, scores = vocabulary()
    n_vocab = len(tokens)

    w = gguf.GGUFWriter(path, "llama")
    w.add_name("gryphgen-tiny-random")
    w.add_context_length(N_CTX)
    w.add_embedding_length(N_EMBD)
    w.add_block_count(N_LAYER)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD)
    w.add_rope_dimension_count(N_EMBD // N_HEAD)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_scores(scores)
    w.add_unk_token_id(0)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_add_bos_token(False)
    w.add_add_space_prefix(False)
    w.add_chat_template(CHATML)

    def rand(*shape):
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    embd = rand(n_vocab, N_EMBD)
    embd[:, 0] = 1.0  # the constant dimension, see the module docstring
    w.add_tensor("token_embd.weight", embd)
    for i in range(N_LAYER):
        w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        for name in ("attn_q", "attn_k", "attn_v"):
            w.add_tensor(f"blk.{i}.{name}.weight", rand(N_EMBD, N_EMBD))
        attn_out = rand(N_EMBD, N_EMBD)
        attn_out[0, :] = 0.0
        w.add_tensor(f"blk.{i}.attn_output.weight", attn_out)
        w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        w.add_tensor(f"blk.{i}.ffn_gate.weight", rand(N_FF, N_EMBD))
        w.add_tensor(f"blk.{i}.ffn_up.weight", rand(N_FF, N_EMBD))
        ffn_down = rand(N_EMBD, N_FF)
        ffn_down[0, :] = 0.0
        w.add_tensor(f"blk.{i}.ffn_down.weight", ffn_down)
    w.add_tensor("output_norm.weight", np.ones(N_EMBD, dtype=np.float32))
    output = rand(n_vocab, N_EMBD)
    output[:, 0] = 0.0
    unsampleable = [i for i, t in enumerate(types) if t in (gguf.TokenType.BYTE, gguf.TokenType.UNKNOWN)]
    unsampleable += [tokens.index(t) for t in ("<s>", "<|im_start|>")]
    output[unsampleable, 0] = -1000.0
    w.add_tensor("output.weight", output)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_tiny_gguf.py OUTPUT.gguf")
    main(sys.argv[1])
