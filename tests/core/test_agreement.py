"""Agreement metrics against published worked examples."""

from __future__ import annotations

import pytest

from reviewer.core.agreement import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha_nominal,
    pair_report,
    raw_agreement,
)


def test_cohen_kappa_wikipedia_grant_example():
    # Wikipedia, "Cohen's kappa": 50 proposals, 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no.
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_fleiss_kappa_wikipedia_example():
    # Wikipedia, "Fleiss' kappa": 10 subjects, 14 raters, 5 categories; kappa = 0.210.
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    items = []
    for row in table:
        labels = [cat for cat, count in enumerate(row) for _ in range(count)]
        items.append({f"r{k}": label for k, label in enumerate(labels)})
    assert fleiss_kappa(items) == pytest.approx(0.2099, abs=5e-4)


def test_krippendorff_alpha_nominal_worked_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", nominal example:
    # 4 observers, 12 units, missing values; alpha = 0.743.
    rows = {
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    }
    items = [
        {who: values[u] for who, values in rows.items() if values[u] is not None} for u in range(12)
    ]
    assert krippendorff_alpha_nominal(items) == pytest.approx(0.743, abs=5e-4)


def test_two_annotators_agree_with_each_other_metrics():
    items = [{"a": "s", "b": "s"}, {"a": "f", "b": "f"}, {"a": "s", "b": "f"}, {"a": "c"}]
    assert raw_agreement(items) == pytest.approx(2 / 3)
    # For two annotators Fleiss and Cohen differ only in the expected term; both below raw.
    assert fleiss_kappa(items) < 2 / 3 and cohen_kappa([("s", "s"), ("f", "f"), ("s", "f")]) < 2 / 3
    report = pair_report(items, "a", "b", ["s", "c", "f"])
    assert report.items == 3
    assert report.confusion["s"]["f"] == 1 and report.confusion["s"]["s"] == 1


def test_perfect_and_empty():
    items = [{"a": "s", "b": "s"}, {"a": "f", "b": "f"}]
    assert fleiss_kappa(items) == pytest.approx(1.0)
    assert krippendorff_alpha_nominal(items) == pytest.approx(1.0)
    assert raw_agreement([{"a": "s"}]) is None
    assert cohen_kappa([]) is None


def test_gwet_ac1_by_hand():
    from reviewer.core.agreement import gwet_ac1

    # p_a = 3/4; pi_x = (1 + 1/2 + 0 + 1)/4 = 5/8; p_e = 2 * 5/8 * 3/8 = 15/32; AC1 = 9/17.
    items = [{"a": "x", "b": "x"}, {"a": "x", "b": "y"}, {"a": "y", "b": "y"}, {"a": "x", "b": "x"}]
    assert abs(gwet_ac1(items, ["x", "y"]) - 9 / 17) < 1e-12


def test_one_shared_item_is_undefined_not_perfect():
    from reviewer.core.agreement import cohen_kappa, fleiss_kappa

    assert cohen_kappa([("supported", "supported")]) is None
    assert fleiss_kappa([{"a": "supported", "b": "supported"}]) is None
