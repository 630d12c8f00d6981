"""Scale-out on a real dask.distributed LocalCluster (scheduler and worker processes on
loopback) gives the same scores as the local path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe", reason="the dask extra is not installed")
distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
pytestmark = pytest.mark.slow  # a LocalCluster of scheduler and worker processes

import framescore  # noqa: E402
from framescore.batch import score_chunks, score_dataframe  # noqa: E402

TEXTS = [
    "The ministry said the talks would resume next week.",
    "Heroic fighters humiliated the occupying regime in a daring raid.",
    "“We will not stop,” a commander said, according to the statement.",
    "The radical left slammed the job-killing bill.",
    "",
    "Officials said the claim could not be independently verified.",
] * 5


@pytest.fixture(scope="module")
def model(default_model_dir):
    return framescore.load(default_model_dir)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None,
                                       silence_logs=50)
    with cluster, distributed.Client(cluster) as c:
        yield c


def test_dask_dataframe_matches_local_scores(client, model):
    frame = pd.DataFrame({"id": range(len(TEXTS)), "text": TEXTS})
    ddf = dd.from_pandas(frame, npartitions=4)
    result = score_dataframe(ddf, model).compute()
    local = model.score(TEXTS, on_empty="score")  # TEXTS holds an empty text
    assert list(result.index) == list(frame.index)
    np.testing.assert_allclose(result["logit"].to_numpy(), local["logit"].to_numpy(), atol=1e-12)
    assert result["label"].tolist() == local["label"].tolist()
    assert len(client.scheduler_info()["workers"]) == 2


def test_missing_text_column_is_a_clear_error(model):
    ddf = dd.from_pandas(pd.DataFrame({"body": ["x"]}), npartitions=1)
    with pytest.raises(ValueError, match="no column 'text'; columns found: body"):
        score_dataframe(ddf, model)


def test_score_chunks_on_cluster_keeps_input_order(client, model):
    texts = [t for t in TEXTS if t]  # (the CLI sends only texts it can score)
    chunks = [(k, texts[k : k + 4]) for k in range(0, len(texts), 4)]
    results = list(score_chunks(client, model, iter(chunks)))
    assert [tag for tag, _ in results] == [tag for tag, _ in chunks]
    assert [len(f) for _, f in results] == [len(c) for _, c in chunks]
    logits = pd.concat([f for _, f in results], ignore_index=True)["logit"].to_numpy()
    np.testing.assert_allclose(logits, model.score(texts)["logit"].to_numpy(), atol=1e-12)


def test_cli_scheduler_option_scores_on_the_cluster(client, model, default_model_dir, tmp_path):
    from click.testing import CliRunner

    from framescore.cli import cli

    data = tmp_path / "in.jsonl"
    pd.DataFrame({"text": [t or "x" for t in TEXTS]}).to_json(data, orient="records",
                                                               lines=True)
    runner = CliRunner()
    args = ["score", str(data), "--model", str(default_model_dir), "--chunk-size", "7"]
    local = runner.invoke(cli, args)
    remote = runner.invoke(cli, [*args, "--scheduler", client.scheduler.address])
    assert local.exit_code == 0 and remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout
    assert len(remote.stdout.splitlines()) == len(TEXTS)
    # the explanation tables come back from the cluster too, the same as local ones
    for where, extra in [("local", []), ("remote", ["--scheduler", client.scheduler.address])]:
        r = runner.invoke(cli, [*args, *extra, "-o", str(tmp_path / f"{where}.jsonl"),
                                "--spans", str(tmp_path / f"{where}.spans.csv"),
                                "--contributions", str(tmp_path / f"{where}.contrib.jsonl")])
        assert r.exit_code == 0, r.output
    for name in ("jsonl", "spans.csv", "contrib.jsonl"):
        assert ((tmp_path / f"remote.{name}").read_text()
                == (tmp_path / f"local.{name}").read_text())
    assert (tmp_path / "local.jsonl").read_text() == local.stdout
    assert len((tmp_path / "local.spans.csv").read_text().splitlines()) > 1
