"""digled.content.programme: the programme's texts and timeline say only what the seed
(shared/seed: the programme's own pages of 2015) supports (issue 20, point 13)."""

from digled.content import programme


def test_the_kl_films_are_described_by_what_the_seed_says_of_them_only():
    """The seed gives the five KL films' titles and "ca. 5 minutter" each, nothing of their
    content: the descriptions are one true sentence, not five invented from the titles."""
    films = [a for a in programme.programme().activities if a.kind == "kl_film"]
    assert len(films) == 5
    for lang, words in (("da", "ca. 5 minutter"), ("en", "about 5 minutes")):
        described = {f.description[lang] for f in films}
        assert len(described) == 1 and words in described.pop()
    assert {f.duration_minutes for f in films} == {5}


def test_the_background_is_the_seeds():
    prog = programme.programme()
    assert "involverende proces" in prog.background["da"] and "Glostrup og Albertslund" in prog.background["da"]
    assert "involving process" in prog.background["en"] and "Glostrup and Albertslund" in prog.background["en"]
