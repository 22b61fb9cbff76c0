import pytest

from payments.amount_words import amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (15000, "Mười lăm nghìn đồng"),
        (105000, "Một trăm linh năm nghìn đồng"),
        (1250000, "Một triệu hai trăm năm mươi nghìn đồng"),
        (21, "Hai mươi mốt đồng"),
        (25, "Hai mươi lăm đồng"),
        (14, "Mười bốn đồng"),
        (1005, "Một nghìn không trăm linh năm đồng"),
        (1000000000, "Một tỷ đồng"),
    ],
)
def test_the_documented_examples(amount, words):
    assert amount_in_words(amount) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (1, "Một đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (15, "Mười lăm đồng"),
        (20, "Hai mươi đồng"),
        (55, "Năm mươi lăm đồng"),
        (100, "Một trăm đồng"),
        (101, "Một trăm linh một đồng"),
        (110, "Một trăm mười đồng"),
        (111, "Một trăm mười một đồng"),
        (1001, "Một nghìn không trăm linh một đồng"),
        (1010, "Một nghìn không trăm mười đồng"),
        (10001, "Mười nghìn không trăm linh một đồng"),
        (1_000_500, "Một triệu năm trăm đồng"),
        (2000000005, "Hai tỷ không trăm linh năm đồng"),
        (1_000_005_000, "Một tỷ không trăm linh năm nghìn đồng"),
        (1000000000000, "Một nghìn tỷ đồng"),
        (10**18, "Một tỷ tỷ đồng"),
    ],
)
def test_edge_cases(amount, words):
    assert amount_in_words(amount) == words


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError, match="negative"):
        amount_in_words(-1)


@pytest.mark.parametrize("amount", [1.5, "100", True, None])
def test_a_non_integer_amount_is_refused(amount):
    with pytest.raises(TypeError):
        amount_in_words(amount)
