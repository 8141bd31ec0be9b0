import py3langid
import pytest
from quality.quality_data import dataset, sft

from workbench.quality import compute_signals
from workbench.quality.langid_fast import BatchLangId

SAMPLES = {
    "en": ["The weather is lovely today and we are going to the park with the children.",
           "Please reset my password, I can no longer log in to my account since yesterday."],
    "de": ["Das Wetter ist heute schön und wir gehen mit den Kindern in den Park.",
           "Bitte setzen Sie mein Passwort zurück, ich kann mich seit gestern nicht mehr anmelden."],
    "fr": ["Il fait beau aujourd'hui et nous allons au parc avec les enfants.",
           "Veuillez réinitialiser mon mot de passe, je ne peux plus me connecter depuis hier."],
    "es": ["Hoy hace buen tiempo y vamos al parque con los niños.",
           "Por favor, restablezca mi contraseña, ya no puedo iniciar sesión desde ayer."],
    "it": ["Oggi il tempo è bello e andiamo al parco con i bambini.",
           "Per favore reimposta la mia password, non riesco più ad accedere da ieri."],
    "pt": ["O tempo está bom hoje e vamos ao parque com as crianças.",
           "Por favor, redefina minha senha, não consigo mais entrar na minha conta desde ontem."],
    "nl": ["Het weer is vandaag mooi en we gaan met de kinderen naar het park.",
           "Wilt u mijn wachtwoord opnieuw instellen, ik kan sinds gisteren niet meer inloggen."],
    "ru": ["Сегодня прекрасная погода, и мы идём в парк с детьми.",
           "Пожалуйста, сбросьте мой пароль, я не могу войти в аккаунт со вчерашнего дня."],
    "zh": ["今天天气很好，我们要和孩子们一起去公园。", "请重置我的密码，我从昨天开始就无法登录我的账户。"],
    "ja": ["今日は天気が良いので、子供たちと公園に行きます。", "パスワードをリセットしてください。昨日からログインできません。"],
    "ko": ["오늘은 날씨가 좋아서 아이들과 공원에 갑니다.", "비밀번호를 재설정해 주세요. 어제부터 로그인할 수 없습니다."],
    "pl": ["Dzisiaj jest piękna pogoda i idziemy z dziećmi do parku.",
           "Proszę zresetować moje hasło, od wczoraj nie mogę się zalogować."],
}


def test_accuracy_on_the_languages_of_fine_tuning_data():
    texts = [t for ts in SAMPLES.values() for t in ts]
    want = [lang for lang, ts in SAMPLES.items() for _ in ts]
    got = BatchLangId().classify(texts).lang.tolist()
    assert got == want


def test_same_labels_as_py3langid_and_deterministic():
    texts = [t for ts in SAMPLES.values() for t in ts if not any(ord(c) > 0x3000 for c in t)]
    lid = BatchLangId(max_chars=10_000)
    first = lid.classify(texts)
    assert first.lang.tolist() == [py3langid.classify(t)[0] for t in texts]
    again = lid.classify(list(reversed(texts)))
    assert again.lang.tolist()[::-1] == first.lang.tolist()
    assert again.confidence[::-1] == pytest.approx(first.confidence)


def test_undetermined_for_empty_or_symbols():
    res = BatchLangId().classify(["", "12345 !!!", "ok"])
    assert res.lang.tolist()[:2] == ["und", "und"]


def test_signal_flags_mixed_language_and_script_but_not_consistent_records():
    rows = [sft("en", SAMPLES["en"][1], "You can reset it from the login page by choosing forgot password."),
            sft("mix", SAMPLES["de"][1], "You can reset it from the login page by choosing forgot password."),
            sft("scr", SAMPLES["en"][1], "You can reset it here: Пожалуйста, сбросьте мой пароль, я не могу войти"),
            sft("ja", SAMPLES["ja"][1], "ログイン画面の「パスワードを忘れた」からリセットできます。"),
            sft("short", "hi", "ok")]
    rep = compute_signals(dataset(rows), signals=["language"])
    f = rep.frame.set_index("id")
    assert f.loc["en", "language"] == "en" and not f.loc["en", "is_language_issue"]
    assert f.loc["mix", "is_mixed_language"] and f.loc["mix", "prompt_language"] == "de"
    assert f.loc["scr", "is_mixed_script"] and f.loc["scr", "is_language_issue"]
    assert f.loc["ja", "language"] == "ja" and not f.loc["ja", "is_language_issue"]
    assert f.loc["short", "language"] == "und" and not f.loc["short", "is_language_issue"]
    assert rep.summaries["language"]["languages"]["en"] >= 2


def test_expected_languages():
    from workbench.quality.language import LanguageSignal

    rows = [sft("de", SAMPLES["de"][1], SAMPLES["de"][0]), sft("en", SAMPLES["en"][1], SAMPLES["en"][0])]
    f = compute_signals(dataset(rows), signals=[LanguageSignal(expected=("en",))]).frame.set_index("id")
    assert f.loc["de", "is_unexpected_language"] and not f.loc["en", "is_unexpected_language"]
