import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.reference import (
    InvalidReference,
    damm_digit,
    format_for_reading,
    new_reference,
    parse,
)

references = st.builds(new_reference, st.randoms(use_true_random=False).map(lambda r: r.randrange))


@given(references)
def test_new_references_are_valid_ten_digits_never_starting_with_9(reference: str) -> None:
    assert len(reference) == 10 and reference.isdigit()
    assert reference[0] not in "90"
    assert parse(reference) == reference


@given(references, st.integers(0, 9), st.integers(1, 9))
def test_every_single_wrong_digit_is_caught(reference: str, position: int, shift: int) -> None:
    wrong = str((int(reference[position]) + shift) % 10)
    typo = reference[:position] + wrong + reference[position + 1 :]
    assert damm_digit(typo) != 0


@given(references, st.integers(0, 8))
def test_every_adjacent_swap_is_caught(reference: str, position: int) -> None:
    a, b = reference[position], reference[position + 1]
    if a == b:
        return  # swapping equal digits changes nothing
    swapped = reference[:position] + b + a + reference[position + 2 :]
    assert damm_digit(swapped) != 0


def test_exhaustively_over_one_reference_every_error_kind() -> None:
    reference = new_reference()
    for i in range(10):
        for d in "0123456789":
            typo = reference[:i] + d + reference[i + 1 :]
            assert (damm_digit(typo) == 0) == (typo == reference)


def test_spaces_and_dashes_are_accepted() -> None:
    reference = new_reference()
    spaced = format_for_reading(reference)
    assert spaced.count(" ") == 2
    assert parse(spaced) == reference
    assert parse(f"{reference[:3]}-{reference[3:6]}-{reference[6:]}") == reference


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("12345", "10 digits"),
        ("12345678901", "10 digits"),
        ("12345abcde", "digits only"),
        ("", "10 digits"),
        ("١٢٣٤٥٦٧٨٩٠", "digits only"),
    ],
)
def test_malformed_references_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(InvalidReference, match=says):
        parse(text)


def test_city_references_starting_with_9_are_refused() -> None:
    body = "912345678"
    with pytest.raises(InvalidReference, match="city's own"):
        parse(body + str(damm_digit(body)))


def test_a_failed_check_digit_is_a_typing_error() -> None:
    reference = new_reference()
    wrong_check = reference[:9] + str((int(reference[9]) + 1) % 10)
    with pytest.raises(InvalidReference, match="typing error"):
        parse(wrong_check)
