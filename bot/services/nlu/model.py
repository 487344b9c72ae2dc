"""Run-time half of the statistical stage: a linear model (multinomial logistic regression) read from a compact
gzip'd JSON file and scored in pure Python. Trained offline by train.py; no numpy or scikit-learn at run time."""
from __future__ import annotations

import base64
import gzip
import json
import math
from array import array
from pathlib import Path

from .features import features

MODEL_PATH = Path(__file__).resolve().parents[2] / "defaults" / "nlu" / "model.json.gz"


class Head:
    """One classifier (category or intent) over the shared feature vocabulary."""

    def __init__(self, spec: dict, n_features: int):
        # A head may read a subset of the shared vocabulary, in its own row order ("feature_ids": uint32 indices
        # into the file's feature list): a head carried over from an earlier fit keeps the vocabulary, and so the
        # length normalisation, it was fitted with.
        self.rows: dict[int, int] | None = None
        self.limit: int | None = None
        if spec.get("n_features"):
            # the first n features of the shared list only
            self.limit = n_features = int(spec["n_features"])
        elif spec.get("feature_ids"):
            ids = array("I")
            ids.frombytes(base64.b64decode(spec["feature_ids"]))
            self.rows = {fi: j for j, fi in enumerate(ids)}
            n_features = len(ids)
        self.classes: list[str] = spec["classes"]
        self.bias: list[float] = spec["bias"]
        self.temperature: float = spec.get("temperature", 1.0)
        self.k = len(self.classes)
        self.scale: float = spec["scale"]
        self.raw = array("h")
        self.raw.frombytes(base64.b64decode(spec["weights"]))
        if len(self.raw) != n_features * self.k:
            raise ValueError("model file is inconsistent: weights do not match the vocabulary")

    def row(self, fi: int) -> list[float]:
        k = self.k
        return [q * self.scale for q in self.raw[fi * k : fi * k + k]]

    def logits(self, idx: list[int], norm: float) -> list[float]:
        out = list(self.bias)
        k, raw, f = self.k, self.raw, self.scale * norm
        for fi in idx:
            base = fi * k
            for c in range(k):
                q = raw[base + c]
                if q:
                    out[c] += q * f
        return out


def softmax(logits: list[float], temperature: float = 1.0) -> list[float]:
    m = max(logits)
    ex = [math.exp((x - m) / temperature) for x in logits]
    s = sum(ex)
    return [e / s for e in ex]


class LinearModel:
    def __init__(self, data: dict):
        self.version = data.get("version")
        self.vocab = {f: i for i, f in enumerate(data["features"])}
        self.heads = {name: Head(spec, len(self.vocab)) for name, spec in data["heads"].items()}

    @classmethod
    def load(cls, path: str | Path | None = None) -> "LinearModel":
        with gzip.open(Path(path) if path else MODEL_PATH, "rt", encoding="utf-8") as fh:
            return cls(json.load(fh))

    def encode(self, text: str) -> tuple[list[int], float, list[str]]:
        feats = set(features(text))
        idx = [self.vocab[f] for f in feats if f in self.vocab]
        # L2 norm of a binary vector, as in training: long messages do not get louder than short ones.
        norm = 1.0 / math.sqrt(len(idx)) if idx else 0.0
        return idx, norm, list(feats)

    @staticmethod
    def _head_index(h: Head, idx: list[int], norm: float) -> tuple[list[int], float]:
        if h.limit is not None:
            own = [fi for fi in idx if fi < h.limit]
            return own, (1.0 / math.sqrt(len(own)) if own else 0.0)
        if h.rows is None:
            return idx, norm
        own = [h.rows[fi] for fi in idx if fi in h.rows]
        return own, (1.0 / math.sqrt(len(own)) if own else 0.0)

    def predict(self, head: str, text: str, encoded=None) -> dict[str, float]:
        h = self.heads[head]
        idx, norm, _ = encoded or self.encode(text)
        idx, norm = self._head_index(h, idx, norm)
        return dict(zip(h.classes, softmax(h.logits(idx, norm), h.temperature)))

    def top_features(self, head: str, cls: str, text: str, encoded=None, n: int = 3) -> list[str]:
        """The features that pushed hardest towards `cls`: the model's share of the evidence."""
        h = self.heads[head]
        c = h.classes.index(cls)
        inv = {i: f for f, i in self.vocab.items()} if not hasattr(self, "_inv") else self._inv
        self._inv = inv
        idx, _, _ = encoded or self.encode(text)
        scored = []
        for fi in idx:
            if (h.rows is not None and fi not in h.rows) or (h.limit is not None and fi >= h.limit):
                continue
            w = h.row(fi if h.rows is None else h.rows[fi])[c]
            if w > 0:
                scored.append((w, inv[fi]))
        scored.sort(reverse=True)
        return [f.split(":", 1)[-1] for _, f in scored[:n]]
