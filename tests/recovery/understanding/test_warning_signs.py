"""Finding warning signs in patients' texts, in English and Spanish, and telling denials apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recovery.understanding.warning_sign_patterns import (
    BLEEDING,
    BREATHING,
    CANT_WALK,
    CHEST_PAIN,
    CONFUSION,
    CONTINENCE,
    DIZZINESS,
    FAINTING,
    FALL,
    FEVER,
    LEG_WEAKNESS,
    NEEDLE_SITE,
    NUMBNESS,
    SIGN_PATTERNS,
    SIGNS,
    SUDDEN_PAIN,
)
from recovery.understanding.warning_sign_phrases import (
    Compiled,
    PhraseError,
    compile_phrase,
)
from recovery.understanding.warning_sign_words import VOCABULARY, read_vocabulary
from recovery.understanding.warning_signs import WarningSign, find_warning_signs

Expected = list[tuple[str, str, bool]]

# (text, [(sign, the patient's words, is_negated), ...]) for texts that report a sign
REPORTED: list[tuple[str, Expected]] = [
    ("can't feel my legs", [(CANT_WALK, "can't feel my legs", False)]),
    ("cant feel my legs", [(CANT_WALK, "cant feel my legs", False)]),
    ("legs feel weak", [(LEG_WEAKNESS, "legs feel weak", False)]),
    ("my legs gave out", [(LEG_WEAKNESS, "my legs gave out", False)]),
    ("pins and needles", [(NUMBNESS, "pins and needles", False)]),
    ("numb", [(NUMBNESS, "numb", False)]),
    ("tingling in my feet", [(NUMBNESS, "tingling", False)]),
    ("peed myself", [(CONTINENCE, "peed myself", False)]),
    ("wet myself", [(CONTINENCE, "wet myself", False)]),
    ("can't control my bladder", [(CONTINENCE, "can't control my bladder", False)]),
    ("pooped my pants", [(CONTINENCE, "pooped my pants", False)]),
    ("had an accident in my pants", [(CONTINENCE, "accident in my pants", False)]),
    ("hard to breathe", [(BREATHING, "hard to breathe", False)]),
    ("short of breath", [(BREATHING, "short of breath", False)]),
    ("can't catch my breath", [(BREATHING, "can't catch my breath", False)]),
    ("chest hurts", [(CHEST_PAIN, "chest hurts", False)]),
    ("chest pain", [(CHEST_PAIN, "chest pain", False)]),
    ("temperature of 101", [(FEVER, "temperature of 101", False)]),
    ("fever", [(FEVER, "fever", False)]),
    ("chills", [(FEVER, "chills", False)]),
    ("shaking chills", [(FEVER, "shaking chills", False)]),
    (
        "the needle spot is red and swollen",
        [(NEEDLE_SITE, "needle spot is red and swollen", False)],
    ),
    ("oozing", [(NEEDLE_SITE, "oozing", False)]),
    ("pus", [(NEEDLE_SITE, "pus", False)]),
    ("bleeding", [(BLEEDING, "bleeding", False)]),
    ("sudden sharp new pain", [(SUDDEN_PAIN, "sudden sharp new pain", False)]),
    ("no siento las piernas", [(CANT_WALK, "no siento las piernas", False)]),
    ("piernas débiles", [(LEG_WEAKNESS, "piernas débiles", False)]),
    ("hormigueo", [(NUMBNESS, "hormigueo", False)]),
    ("adormecimiento", [(NUMBNESS, "adormecimiento", False)]),
    ("entumecidas", [(NUMBNESS, "entumecidas", False)]),
    ("me oriné", [(CONTINENCE, "me oriné", False)]),
    ("no controlo la orina", [(CONTINENCE, "no controlo la orina", False)]),
    ("me hice del baño", [(CONTINENCE, "me hice del baño", False)]),
    ("me falta el aire", [(BREATHING, "me falta el aire", False)]),
    ("no puedo respirar", [(BREATHING, "no puedo respirar", False)]),
    ("dolor de pecho", [(CHEST_PAIN, "dolor de pecho", False)]),
    ("dolor en el pecho", [(CHEST_PAIN, "dolor en el pecho", False)]),
    ("fiebre", [(FEVER, "fiebre", False)]),
    ("calentura", [(FEVER, "calentura", False)]),
    ("escalofríos", [(FEVER, "escalofríos", False)]),
    ("enrojecido", [(NEEDLE_SITE, "enrojecido", False)]),
    ("hinchado", [(NEEDLE_SITE, "hinchado", False)]),
    ("supura", [(NEEDLE_SITE, "supura", False)]),
    ("sangrado", [(BLEEDING, "sangrado", False)]),
    ("sangra", [(BLEEDING, "sangra", False)]),
    (
        "dolor nuevo muy fuerte de repente",
        [(SUDDEN_PAIN, "dolor nuevo muy fuerte de repente", False)],
    ),
    ("no, I have a fever", [(FEVER, "fever", False)]),
    ("no I can't feel my legs", [(CANT_WALK, "can't feel my legs", False)]),
    ("I can't walk", [(CANT_WALK, "can't walk", False)]),
    ("no fever but chills", [(FEVER, "chills", False)]),
    ("numbnes in my leg", [(NUMBNESS, "numbnes", False)]),
    ("fevr last night", [(FEVER, "fevr", False)]),
    ("7 and my legs are numb", [(NUMBNESS, "numb", False)]),
    ("My legs feel weak and wobbly", [(LEG_WEAKNESS, "My legs feel weak", False)]),
    ("my left leg is weak", [(LEG_WEAKNESS, "my left leg is weak", False)]),
    ("weakness in my right leg", [(LEG_WEAKNESS, "weakness in my right leg", False)]),
    ("Both legs are weak today", [(LEG_WEAKNESS, "Both legs are weak", False)]),
    ("my legs are weaker than yesterday", [(LEG_WEAKNESS, "my legs are weaker", False)]),
    ("my knees keep buckling", [(LEG_WEAKNESS, "my knees keep buckling", False)]),
    ("my leg gave way when I stood up", [(LEG_WEAKNESS, "my leg gave way", False)]),
    ("I almost fell, my legs gave out", [(LEG_WEAKNESS, "my legs gave out", False)]),
    ("my legs are like jelly", [(LEG_WEAKNESS, "my legs are like jelly", False)]),
    ("My foot is dragging", [(LEG_WEAKNESS, "foot is dragging", False)]),
    ("my feet are numb", [(NUMBNESS, "numb", False)]),
    ("my toes are tingling", [(NUMBNESS, "tingling", False)]),
    ("my feet tingle", [(NUMBNESS, "tingle", False)]),
    ("I have tingling down my leg", [(NUMBNESS, "tingling", False)]),
    ("numbness in my thigh", [(NUMBNESS, "numbness", False)]),
    ("my thigh is numb", [(NUMBNESS, "numb", False)]),
    ("I can't feel my feet", [(CANT_WALK, "can't feel my feet", False)]),
    ("I can't feel my toes", [(CANT_WALK, "can't feel my toes", False)]),
    ("legs keep falling asleep", [(NUMBNESS, "legs keep falling asleep", False)]),
    ("My right leg fell asleep", [(NUMBNESS, "My right leg fell asleep", False)]),
    ("I have numbness in my buttocks", [(NUMBNESS, "numbness", False)]),
    ("numb down there", [(NUMBNESS, "numb", False)]),
    ("cant walk", [(CANT_WALK, "cant walk", False)]),
    ("I can barely walk", [(CANT_WALK, "can barely walk", False)]),
    ("having trouble walking", [(CANT_WALK, "trouble walking", False)]),
    ("it's hard to walk", [(CANT_WALK, "hard to walk", False)]),
    ("I can't stand up", [(CANT_WALK, "can't stand", False)]),
    ("I can't stand", [(CANT_WALK, "can't stand", False)]),
    ("I can't move my legs", [(CANT_WALK, "can't move my legs", False)]),
    ("my legs won't move", [(CANT_WALK, "my legs won't move", False)]),
    ("I'm paralyzed", [(CANT_WALK, "paralyzed", False)]),
    ("I wet the bed last night", [(CONTINENCE, "wet the bed", False)]),
    (
        "I had an accident, I couldn't make it to the bathroom",
        [(CONTINENCE, "had an accident", False)],
    ),
    ("I can't hold my pee", [(CONTINENCE, "can't hold my pee", False)]),
    ("I can't pee", [(CONTINENCE, "can't pee", False)]),
    ("I haven't peed since yesterday", [(CONTINENCE, "haven't peed", False)]),
    ("I've been leaking urine", [(CONTINENCE, "leaking urine", False)]),
    ("lost control of my bowels", [(CONTINENCE, "lost control of my bowels", False)]),
    ("I pooped myself", [(CONTINENCE, "pooped myself", False)]),
    ("I had a bowel accident", [(CONTINENCE, "bowel accident", False)]),
    ("My chest hurts", [(CHEST_PAIN, "chest hurts", False)]),
    ("chest feels tight", [(CHEST_PAIN, "chest feels tight", False)]),
    ("tightness in my chest", [(CHEST_PAIN, "tightness in my chest", False)]),
    ("pressure in my chest", [(CHEST_PAIN, "pressure in my chest", False)]),
    ("I have pain in my chest when I breathe", [(CHEST_PAIN, "pain in my chest", False)]),
    ("It hurts to breathe", [(BREATHING, "hurts to breathe", False)]),
    ("I'm short of breath", [(BREATHING, "short of breath", False)]),
    ("I get winded walking to the bathroom", [(BREATHING, "winded", False)]),
    ("I'm having trouble breathing", [(BREATHING, "trouble breathing", False)]),
    ("I can't breathe", [(BREATHING, "can't breathe", False)]),
    ("can't get enough air", [(BREATHING, "can't get enough air", False)]),
    ("I'm out of breath", [(BREATHING, "out of breath", False)]),
    ("my breathing is labored", [(BREATHING, "breathing is labored", False)]),
    ("I have a fever", [(FEVER, "fever", False)]),
    ("I have a temperature", [(FEVER, "have a temperature", False)]),
    ("my temperature is 100.8", [(FEVER, "temperature is 100.8", False)]),
    ("temp 101.2", [(FEVER, "temp 101.2", False)]),
    ("I have a temp of 38.5", [(FEVER, "temp of 38.5", False)]),
    ("101 degrees", [(FEVER, "101 degrees", False)]),
    ("I have chills", [(FEVER, "chills", False)]),
    ("I'm shivering", [(FEVER, "shivering", False)]),
    ("I feel feverish", [(FEVER, "feverish", False)]),
    ("the site is red", [(NEEDLE_SITE, "site is red", False)]),
    ("the needle site is a little red", [(NEEDLE_SITE, "needle site is a little red", False)]),
    ("there's redness around the incision", [(NEEDLE_SITE, "redness around the incision", False)]),
    ("it's swollen", [(NEEDLE_SITE, "swollen", False)]),
    ("The area is swollen and warm", [(NEEDLE_SITE, "area is swollen and warm", False)]),
    ("the bandage is wet with blood", [(BLEEDING, "blood", False)]),
    ("There's some drainage on the bandage", [(NEEDLE_SITE, "drainage", False)]),
    ("there is yellow stuff coming out", [(NEEDLE_SITE, "yellow stuff", False)]),
    ("pus coming out of the wound", [(NEEDLE_SITE, "pus", False)]),
    ("the incision looks infected", [(NEEDLE_SITE, "incision looks infected", False)]),
    (
        "there's a little bump where the needle went in",
        [(NEEDLE_SITE, "bump where the needle went in", False)],
    ),
    ("the spot on my back is hot to the touch", [(NEEDLE_SITE, "hot to the touch", False)]),
    ("I'm bleeding", [(BLEEDING, "bleeding", False)]),
    ("there is blood on the bandage", [(BLEEDING, "blood", False)]),
    ("the bandage has a little blood", [(BLEEDING, "blood", False)]),
    ("I had a nosebleed", [(BLEEDING, "nosebleed", False)]),
    ("blood in my urine", [(BLEEDING, "blood", False)]),
    ("bloody mess", [(BLEEDING, "bloody", False)]),
    ("sudden severe pain", [(SUDDEN_PAIN, "sudden severe pain", False)]),
    ("I had a sudden sharp pain in my back", [(SUDDEN_PAIN, "sudden sharp pain", False)]),
    ("all of a sudden the pain got really bad", [(SUDDEN_PAIN, "all of a sudden the pain", False)]),
    ("new sharp pain in my side", [(SUDDEN_PAIN, "new sharp pain", False)]),
    ("the pain is much worse suddenly", [(SUDDEN_PAIN, "pain is much worse suddenly", False)]),
    ("worst pain of my life", [(SUDDEN_PAIN, "worst pain of my life", False)]),
    ("Tengo las piernas débiles", [(LEG_WEAKNESS, "las piernas débiles", False)]),
    ("siento las piernas flojas", [(LEG_WEAKNESS, "las piernas flojas", False)]),
    ("no tengo fuerza en las piernas", [(LEG_WEAKNESS, "no tengo fuerza en las piernas", False)]),
    ("se me doblan las rodillas", [(LEG_WEAKNESS, "se me doblan las rodillas", False)]),
    ("tengo hormigueo en los pies", [(NUMBNESS, "hormigueo", False)]),
    ("siento hormigueo", [(NUMBNESS, "hormigueo", False)]),
    ("se me duermen las piernas", [(NUMBNESS, "se me duermen las piernas", False)]),
    ("tengo la pierna dormida", [(NUMBNESS, "pierna dormida", False)]),
    ("tengo los pies entumidos", [(NUMBNESS, "entumidos", False)]),
    ("no puedo caminar", [(CANT_WALK, "no puedo caminar", False)]),
    ("casi no puedo caminar", [(CANT_WALK, "casi no puedo caminar", False)]),
    ("no siento mis pies", [(CANT_WALK, "no siento mis pies", False)]),
    ("me oriné en la cama", [(CONTINENCE, "me oriné", False)]),
    ("se me sale la orina", [(CONTINENCE, "se me sale la orina", False)]),
    ("no puedo orinar", [(CONTINENCE, "no puedo orinar", False)]),
    ("me hice en los pantalones", [(CONTINENCE, "me hice en los pantalones", False)]),
    ("me duele el pecho", [(CHEST_PAIN, "me duele el pecho", False)]),
    ("siento presión en el pecho", [(CHEST_PAIN, "presión en el pecho", False)]),
    ("me cuesta respirar", [(BREATHING, "me cuesta respirar", False)]),
    ("me falta el aire cuando camino", [(BREATHING, "me falta el aire", False)]),
    ("no puedo respirar bien", [(BREATHING, "no puedo respirar", False)]),
    ("tengo fiebre", [(FEVER, "fiebre", False)]),
    ("tengo calentura", [(FEVER, "calentura", False)]),
    ("tengo escalofríos", [(FEVER, "escalofríos", False)]),
    ("tuve fiebre anoche", [(FEVER, "fiebre", False)]),
    ("tengo temperatura de 38.5", [(FEVER, "temperatura de 38.5", False)]),
    (
        "está rojo donde me pusieron la aguja",
        [(NEEDLE_SITE, "rojo donde me pusieron la aguja", False)],
    ),
    ("la herida está roja e hinchada", [(NEEDLE_SITE, "herida está roja", False)]),
    ("está hinchado", [(NEEDLE_SITE, "hinchado", False)]),
    ("le sale pus", [(NEEDLE_SITE, "le sale pus", False)]),
    ("me sale sangre de la herida", [(BLEEDING, "sangre", False)]),
    ("estoy sangrando", [(BLEEDING, "sangrando", False)]),
    (
        "me dio un dolor muy fuerte de repente",
        [(SUDDEN_PAIN, "dolor muy fuerte de repente", False)],
    ),
    ("tengo un dolor nuevo muy fuerte", [(SUDDEN_PAIN, "dolor nuevo muy fuerte", False)]),
    ("no fever, but I have chills", [(FEVER, "chills", False)]),
    ("no, I have chills", [(FEVER, "chills", False)]),
    ("leg weakness", [(LEG_WEAKNESS, "leg weakness", False)]),
    ("legs are weak", [(LEG_WEAKNESS, "legs are weak", False)]),
    ("legs r weak", [(LEG_WEAKNESS, "legs r weak", False)]),
    ("my legs feel so weak I can hardly stand", [(LEG_WEAKNESS, "my legs feel so weak", False)]),
    ("Weak legs today", [(LEG_WEAKNESS, "Weak legs", False)]),
    ("I have weakness in both legs", [(LEG_WEAKNESS, "weakness in both legs", False)]),
    ("debilidad en las piernas", [(LEG_WEAKNESS, "debilidad en las piernas", False)]),
    ("me fallan las piernas", [(LEG_WEAKNESS, "me fallan las piernas", False)]),
    ("pierna débil", [(LEG_WEAKNESS, "pierna débil", False)]),
    ("numbness and tingling in my legs", [(NUMBNESS, "numbness", False)]),
    ("my leg is numb and tingly", [(NUMBNESS, "numb", False)]),
    ("I have pins and needles in my feet", [(NUMBNESS, "pins and needles", False)]),
    ("tingly feet", [(NUMBNESS, "tingly", False)]),
    ("numb feet", [(NUMBNESS, "numb", False)]),
    ("numbness", [(NUMBNESS, "numbness", False)]),
    ("adormecimiento en la pierna", [(NUMBNESS, "adormecimiento", False)]),
    ("tengo la pierna adormecida", [(NUMBNESS, "adormecida", False)]),
    ("siento cosquilleo en los pies", [(NUMBNESS, "cosquilleo", False)]),
    ("pies dormidos", [(NUMBNESS, "pies dormidos", False)]),
    ("ormigueo en las piernas", [(NUMBNESS, "ormigueo", False)]),
    ("can not walk", [(CANT_WALK, "can not walk", False)]),
    ("I'm unable to walk", [(CANT_WALK, "unable to walk", False)]),
    ("I couldn't walk this morning", [(CANT_WALK, "couldn't walk", False)]),
    ("cannot feel my legs", [(CANT_WALK, "cannot feel my legs", False)]),
    ("no feeling in my legs", [(CANT_WALK, "no feeling in my legs", False)]),
    ("I lost feeling in my legs", [(CANT_WALK, "lost feeling in my legs", False)]),
    ("no puedo pararme", [(CANT_WALK, "no puedo pararme", False)]),
    ("no siento las piernas desde anoche", [(CANT_WALK, "no siento las piernas", False)]),
    ("I peed my pants", [(CONTINENCE, "peed my pants", False)]),
    ("I wet my pants", [(CONTINENCE, "wet my pants", False)]),
    ("I couldn't hold it and peed myself", [(CONTINENCE, "peed myself", False)]),
    ("I have no bladder control", [(CONTINENCE, "no bladder control", False)]),
    ("I can't control my bowels", [(CONTINENCE, "can't control my bowels", False)]),
    ("Me hice pipí encima", [(CONTINENCE, "Me hice pipí", False)]),
    ("no aguanto la orina", [(CONTINENCE, "no aguanto la orina", False)]),
    ("perdí el control de la vejiga", [(CONTINENCE, "perdí el control de la vejiga", False)]),
    ("chest pain since this morning", [(CHEST_PAIN, "chest pain", False)]),
    ("My chest has been hurting", [(CHEST_PAIN, "chest has been hurting", False)]),
    ("I feel pressure on my chest", [(CHEST_PAIN, "pressure on my chest", False)]),
    ("Tengo dolor de pecho", [(CHEST_PAIN, "dolor de pecho", False)]),
    (
        "dolor en el pecho y me falta el aire",
        [(CHEST_PAIN, "dolor en el pecho", False), (BREATHING, "me falta el aire", False)],
    ),
    ("Shortness of breath", [(BREATHING, "Shortness of breath", False)]),
    ("having a hard time breathing", [(BREATHING, "hard time breathing", False)]),
    ("I have difficulty breathing", [(BREATHING, "difficulty breathing", False)]),
    ("it's difficult to breathe", [(BREATHING, "difficult to breathe", False)]),
    ("I get short of breath walking", [(BREATHING, "short of breath", False)]),
    ("me ahogo", [(BREATHING, "me ahogo", False)]),
    ("tengo dificultad para respirar", [(BREATHING, "dificultad para respirar", False)]),
    ("Fever of 101", [(FEVER, "Fever of 101", False)]),
    ("running a fever", [(FEVER, "fever", False)]),
    ("I'm running a temp", [(FEVER, "running a temp", False)]),
    ("fever and chills", [(FEVER, "fever", False)]),
    ("I've got the chills", [(FEVER, "chills", False)]),
    ("tengo fiebre y escalofríos", [(FEVER, "fiebre", False)]),
    ("me siento destemplada", [(FEVER, "destemplada", False)]),
    ("temperatura de 39", [(FEVER, "temperatura de 39", False)]),
    ("calentura y escalofrios", [(FEVER, "calentura", False)]),
    ("The needle site is red", [(NEEDLE_SITE, "needle site is red", False)]),
    ("The site is swollen", [(NEEDLE_SITE, "site is swollen", False)]),
    ("my back is swollen where they did the procedure", [(NEEDLE_SITE, "back is swollen", False)]),
    ("the incision is red and warm", [(NEEDLE_SITE, "incision is red and warm", False)]),
    ("the wound is oozing", [(NEEDLE_SITE, "wound is oozing", False)]),
    ("it's draining yellow fluid", [(NEEDLE_SITE, "draining", False)]),
    ("there's pus", [(NEEDLE_SITE, "pus", False)]),
    ("la herida supura", [(NEEDLE_SITE, "herida supura", False)]),
    ("el sitio está enrojecido", [(NEEDLE_SITE, "sitio está enrojecido", False)]),
    ("está hinchado y caliente", [(NEEDLE_SITE, "hinchado", False)]),
    ("hay enrojecimiento donde me pusieron la aguja", [(NEEDLE_SITE, "enrojecimiento", False)]),
    ("I'm bleeding from the needle site", [(BLEEDING, "bleeding", False)]),
    ("bleeding a little from the bandage", [(BLEEDING, "bleeding", False)]),
    ("sangra un poco la herida", [(BLEEDING, "sangra", False)]),
    ("tengo sangrado", [(BLEEDING, "sangrado", False)]),
    ("there's blood on my shirt", [(BLEEDING, "blood", False)]),
    ("sudden onset of severe pain", [(SUDDEN_PAIN, "sudden onset of severe pain", False)]),
    ("sudden pain in my back", [(SUDDEN_PAIN, "sudden pain", False)]),
    ("suddenly I had terrible pain", [(SUDDEN_PAIN, "suddenly I had terrible pain", False)]),
    (
        "out of nowhere I got a stabbing pain",
        [(SUDDEN_PAIN, "out of nowhere I got a stabbing pain", False)],
    ),
    ("me dio un dolor de repente", [(SUDDEN_PAIN, "me dio un dolor de repente", False)]),
    ("dolor repentino en la espalda", [(SUDDEN_PAIN, "dolor repentino", False)]),
    (
        "de repente me empezó un dolor muy fuerte",
        [(SUDDEN_PAIN, "de repente me empezó un dolor", False)],
    ),
    ("el peor dolor de mi vida", [(SUDDEN_PAIN, "el peor dolor de mi vida", False)]),
    ("No, I have a fever", [(FEVER, "fever", False)]),
    ("No I have a fever", [(FEVER, "fever", False)]),
    ("No, I can't feel my legs", [(CANT_WALK, "can't feel my legs", False)]),
    ("no my legs are numb", [(NUMBNESS, "numb", False)]),
    ("No. Fever of 101", [(FEVER, "Fever of 101", False)]),
    ("no pain but fever", [(FEVER, "fever", False)]),
    ("no fever. chills though", [(FEVER, "chills", False)]),
    ("Sin fiebre pero con escalofríos", [(FEVER, "escalofríos", False)]),
    ("No, tengo fiebre", [(FEVER, "fiebre", False)]),
    ("No tengo fiebre pero sí escalofríos", [(FEVER, "escalofríos", False)]),
    ("she took a tumble in the garden", [(FALL, "took a tumble", False)]),
    ("my husband slipped in the tub", [(FALL, "slipped in", False)]),
    ("I fell", [(FALL, "fell", False)]),
    ("mi mamá se cayó anoche", [(FALL, "se cayó", False)]),
    ("me caí en el baño", [(FALL, "me caí en el", False)]),
    ("he passed out on the couch", [(FAINTING, "passed out", False)]),
    ("she blacked out for a minute", [(FAINTING, "blacked out", False)]),
    ("se desmayó en la sala", [(FAINTING, "desmayó", False)]),
    ("perdió el conocimiento", [(FAINTING, "perdió el conocimiento", False)]),
    ("the room is spinning", [(DIZZINESS, "room is spinning", False)]),
    ("I feel lightheaded", [(DIZZINESS, "lightheaded", False)]),
    ("estoy mareada", [(DIZZINESS, "mareada", False)]),
    ("todo me da vueltas", [(DIZZINESS, "todo me da vueltas", False)]),
    ("she doesn't know where she is", [(CONFUSION, "doesn't know where she is", False)]),
    ("he keeps talking nonsense", [(CONFUSION, "talking nonsense", False)]),
    ("está confundido", [(CONFUSION, "confundido", False)]),
    ("mi papá no me reconoce", [(CONFUSION, "no me reconoce", False)]),
    ("he's burning up", [(FEVER, "burning up", False)]),
    ("tiene calentura", [(FEVER, "calentura", False)]),
    ("she's hot to the touch", [(FEVER, "hot to the touch", False)]),
    ("his legs won't hold him", [(LEG_WEAKNESS, "his legs won't hold him", False)]),
    ("can't lift her foot", [(LEG_WEAKNESS, "can't lift her foot", False)]),
    ("me quedo sin aire al caminar", [(BREATHING, "me quedo sin aire", False)]),
    ("sin fuerza en las piernas", [(LEG_WEAKNESS, "sin fuerza en las piernas", False)]),
    ("can't talk without gasping", [(BREATHING, "gasping", False)]),
    ("If I stand up my legs give out", [(LEG_WEAKNESS, "my legs give out", False)]),
    ("si camino me mareo", [(DIZZINESS, "me mareo", False)]),
    ("I was helping my grandson and fell", [(FALL, "fell", False)]),
    (
        "she fell and now she's confused",
        [(FALL, "fell", False), (CONFUSION, "confused", False)],
    ),
]

# texts that deny a sign (alone, or beside one they report)
DENIED: list[tuple[str, Expected]] = [
    ("no fever", [(FEVER, "fever", True)]),
    ("no numbness", [(NUMBNESS, "numbness", True)]),
    ("sin fiebre", [(FEVER, "fiebre", True)]),
    ("no tengo fiebre", [(FEVER, "fiebre", True)]),
    ("don't have a fever", [(FEVER, "fever", True)]),
    ("haven't had any chills", [(FEVER, "chills", True)]),
    ("no numbness or tingling", [(NUMBNESS, "numbness", True)]),
    ("ni fiebre ni escalofríos", [(FEVER, "fiebre", True)]),
    ("denies fever", [(FEVER, "fever", True)]),
    ("no chest pain", [(CHEST_PAIN, "chest pain", True)]),
    ("the bleeding stopped", [(BLEEDING, "bleeding", True)]),
    ("if I get a fever should I call?", [(FEVER, "fever", True)]),
    (
        "no fever and my legs feel weak",
        [(FEVER, "fever", True), (LEG_WEAKNESS, "my legs feel weak", False)],
    ),
    ("no fever, chills or numbness", [(FEVER, "fever", True), (NUMBNESS, "numbness", True)]),
    ("no me duele el pecho", [(CHEST_PAIN, "me duele el pecho", True)]),
    ("no tengo hormigueo ni adormecimiento", [(NUMBNESS, "hormigueo", True)]),
    ("no siento las piernas débiles", [(LEG_WEAKNESS, "las piernas débiles", True)]),
    ("no fever or chills", [(FEVER, "fever", True)]),
    ("No numbness, no tingling", [(NUMBNESS, "numbness", True)]),
    ("no weakness or numbness", [(NUMBNESS, "numbness", True)]),
    (
        "Denies chest pain or shortness of breath",
        [(CHEST_PAIN, "chest pain", True), (BREATHING, "shortness of breath", True)],
    ),
    ("no shortness of breath", [(BREATHING, "shortness of breath", True)]),
    ("no trouble breathing", [(BREATHING, "trouble breathing", True)]),
    ("I don't have any fever", [(FEVER, "fever", True)]),
    ("I haven't had a fever", [(FEVER, "fever", True)]),
    ("no tengo fiebre ni escalofríos", [(FEVER, "fiebre", True)]),
    ("sin hormigueo", [(NUMBNESS, "hormigueo", True)]),
    ("no siento hormigueo", [(NUMBNESS, "hormigueo", True)]),
    ("no me falta el aire", [(BREATHING, "me falta el aire", True)]),
    ("no hay sangrado", [(BLEEDING, "sangrado", True)]),
    ("no bleeding", [(BLEEDING, "bleeding", True)]),
    ("the bleeding has stopped", [(BLEEDING, "bleeding", True)]),
    ("my fever is gone", [(FEVER, "fever", True)]),
    ("fever went away", [(FEVER, "fever", True)]),
    ("no more chills", [(FEVER, "chills", True)]),
    ("no redness or swelling", [(NEEDLE_SITE, "redness", True)]),
    ("not red or swollen", [(NEEDLE_SITE, "swollen", True)]),
    ("site looks good, no redness", [(NEEDLE_SITE, "redness", True)]),
    ("No, my legs are not weak", [(LEG_WEAKNESS, "my legs are not weak", True)]),
    ("My legs aren't weak", [(LEG_WEAKNESS, "My legs aren't weak", True)]),
    ("my chest doesn't hurt", [(CHEST_PAIN, "chest doesn't hurt", True)]),
    ("I'm not short of breath", [(BREATHING, "short of breath", True)]),
    (
        "no chest pain but my legs are numb",
        [(CHEST_PAIN, "chest pain", True), (NUMBNESS, "numb", False)],
    ),
    ("Should I worry if I get a fever?", [(FEVER, "fever", True)]),
    ("Call if fever? ok", [(FEVER, "fever", True)]),
    ("No chills", [(FEVER, "chills", True)]),
    ("No fevers or chills", [(FEVER, "fevers", True)]),
    ("no numbness or weakness", [(NUMBNESS, "numbness", True)]),
    ("no tingling", [(NUMBNESS, "tingling", True)]),
    ("no leg weakness", [(LEG_WEAKNESS, "leg weakness", True)]),
    (
        "no chest pain or trouble breathing",
        [(CHEST_PAIN, "chest pain", True), (BREATHING, "trouble breathing", True)],
    ),
    ("no bleeding or drainage", [(BLEEDING, "bleeding", True), (NEEDLE_SITE, "drainage", True)]),
    ("no swelling", [(NEEDLE_SITE, "swelling", True)]),
    ("No redness, no swelling, no drainage", [(NEEDLE_SITE, "redness", True)]),
    ("site is not red", [(NEEDLE_SITE, "site is not red", True)]),
    ("not bleeding", [(BLEEDING, "bleeding", True)]),
    ("no fiebre", [(FEVER, "fiebre", True)]),
    ("sin fiebre ni escalofríos", [(FEVER, "fiebre", True)]),
    ("no tengo dolor de pecho", [(CHEST_PAIN, "dolor de pecho", True)]),
    ("no tengo hormigueo", [(NUMBNESS, "hormigueo", True)]),
    ("no hay hinchazón", [(NEEDLE_SITE, "hinchazón", True)]),
    ("no he tenido fiebre", [(FEVER, "fiebre", True)]),
    ("ya no tengo fiebre", [(FEVER, "fiebre", True)]),
    ("tampoco tengo escalofríos", [(FEVER, "escalofríos", True)]),
    ("I haven't had any numbness", [(NUMBNESS, "numbness", True)]),
    ("I haven't noticed any bleeding", [(BLEEDING, "bleeding", True)]),
    ("I have not had a fever", [(FEVER, "fever", True)]),
    ("I don't feel short of breath", [(BREATHING, "short of breath", True)]),
    ("never had chest pain", [(CHEST_PAIN, "chest pain", True)]),
    ("free of fever", [(FEVER, "fever", True)]),
    ("fever free", [(FEVER, "fever", True)]),
    ("fever-free for 2 days", [(FEVER, "fever", True)]),
    ("I'm not feeling any numbness", [(NUMBNESS, "numbness", True)]),
    ("I can't feel any numbness", [(NUMBNESS, "numbness", True)]),
    ("no fever but chest pain", [(FEVER, "fever", True), (CHEST_PAIN, "chest pain", False)]),
    ("no falls", [(FALL, "no falls", True)]),
    ("she hasn't fallen", [(FALL, "fallen", True)]),
    ("no se ha caído", [(FALL, "se ha caído", True)]),
    ("never fainted", [(FAINTING, "fainted", True)]),
    ("sin desmayos", [(FAINTING, "desmayos", True)]),
    ("no longer dizzy", [(DIZZINESS, "dizzy", True)]),
    ("ya no tengo mareos", [(DIZZINESS, "mareos", True)]),
    ("he's not confused", [(CONFUSION, "confused", True)]),
    ("denies confusion", [(CONFUSION, "confusion", True)]),
    ("what should I do if she gets a fever?", [(FEVER, "fever", True)]),
    ("¿qué hago si se marea?", [(DIZZINESS, "se marea", True)]),
    ("the chills are gone", [(FEVER, "chills", True)]),
    ("in case I get dizzy, what do I do?", [(DIZZINESS, "dizzy", True)]),
]

# texts that look close to a sign but report none
NOT_SIGNS = [
    "had a car accident",
    "temperature of 98.6",
    "ready",
    "redo",
    "I'm chilling",
    "breathing fine",
    "took a deep breath and it's fine",
    "my blood pressure is high",
    "feeling fine, 3",
    "I'm ready to go, 5",
    "my feet are swollen",
    "I feel weak",
    "I'm weak and tired",
    "I can't walk very far yet",
    "I can't walk without my walker",
    "I can't stand the pain",
    "breathing is fine",
    "I'm breathing ok",
    "Took a deep breath",
    "my temp was 99",
    "I'm chilly",
    "I'm just chilling at home",
    "chillin",
    "my ankles are swollen",
    "I have a bruise",
    "my blood sugar is high",
    "my blood pressure is 150/90",
    "I'm on blood thinners",
    "I took my blood thinner",
    "me quedé dormido",
    "no puedo caminar mucho",
    "tengo la presión alta",
    "I can walk fine",
    "I can feel my legs",
    "legs feel fine",
    "I'm ready to walk",
    "I'm feeling better, no problems",
    "I'm fine",
    "Red Sox won",
    "I redid my bandage",
    "my red blanket",
    "Everything is fine. 3",
    "I feel great",
    "great day",
    "I walked outside",
    "I'm ready",
    "already done",
    "I redid it",
    "reddit",
    "he's a redhead",
    "I'm chilling on the couch",
    "Netflix and chill",
    "chilly morning",
    "breathe in breathe out",
    "I'm breathing better",
    "breathing fine today",
    "no issues",
    "no problems at all",
    "legs are fine",
    "I can walk",
    "I walked a mile",
    "fine thanks",
    "I'm OK",
    "Numbers look good",
    "my temp is normal",
    "temperature 98.6",
    "temp 37",
    "the weather is 101 degrees",
    "I have hay fever",
    "cabin fever lol",
    "blood work came back fine",
    "blood sugar 120",
    "my blood pressure is good",
    "análisis de sangre",
    "accident on the highway made me late",
    "I was in a car accident years ago",
    "feeling weak from not eating",
    "I'm weak",
    "my arms are weak",
    "red wine",
    "I'm red in the face from laughing",
    "swollen ankles",
    "mis tobillos están hinchados",
    "change the bandage",
    "her sister fell last year",
    "dizzy from the car ride last month",
    "my neighbor passed out at church",
    "mi vecina se desmayó",
    "the nurse said to watch for fever",
    "fell asleep watching tv",
    "the bandage fell off",
    "I almost fell",
    "fall colors are pretty",
    "se me cayó el teléfono",
    "me caen muy bien las enfermeras",
    "confused about which pill to take",
    "sorry for the confusion",
    "the movie gave me chills",
    "slipped my mind",
]


def _signs(text: str) -> Expected:
    """The signs found, as plain tuples."""
    return [(s.sign, s.phrase, s.is_negated) for s in find_warning_signs(text)]


@pytest.mark.parametrize(("text", "expected"), REPORTED, ids=[repr(t) for t, _ in REPORTED])
def test_text_reporting_a_sign_is_found_with_the_patients_words(
    text: str, expected: Expected
) -> None:
    assert _signs(text) == expected


@pytest.mark.parametrize(("text", "expected"), DENIED, ids=[repr(t) for t, _ in DENIED])
def test_text_denying_a_sign_is_found_as_negated(text: str, expected: Expected) -> None:
    assert _signs(text) == expected


@pytest.mark.parametrize("text", NOT_SIGNS, ids=[repr(t) for t in NOT_SIGNS])
def test_text_without_a_sign_finds_none(text: str) -> None:
    assert find_warning_signs(text) == []


def test_sign_found_both_denied_and_reported_counts_as_reported() -> None:
    assert find_warning_signs("no fever yesterday, but today I have a fever") == [
        WarningSign(FEVER, "fever", is_negated=False)
    ]


def test_signs_come_in_the_order_the_text_gives_them() -> None:
    signs = [s.sign for s in find_warning_signs("I can't breathe and my chest hurts, 8")]
    assert signs == [BREATHING, CHEST_PAIN]


def test_each_sign_is_given_once() -> None:
    assert len(find_warning_signs("fever, chills, fever again, escalofríos")) == 1


def test_phrase_quotes_the_original_accents_and_capitals() -> None:
    assert find_warning_signs("Tengo ESCALOFRÍOS 😰") == [
        WarningSign(FEVER, "ESCALOFRÍOS", is_negated=False)
    ]


def test_every_category_is_named_once_in_plain_words() -> None:
    assert len(set(SIGNS)) == 14
    assert {FALL, FAINTING, DIZZINESS, CONFUSION} <= set(SIGNS)
    assert "leg numbness or tingling" in SIGNS
    assert all(sign == sign.strip() and sign[0].islower() for sign in SIGNS)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=1600))
def test_any_text_never_raises_and_quotes_only_its_own_words(text: str) -> None:
    signs = find_warning_signs(text)
    assert len({s.sign for s in signs}) == len(signs)
    for sign in signs:
        assert sign.sign in SIGNS
        assert sign.phrase in text


_SIGN_WORDS = (
    "no not fever chills numb tingling legs weak can't walk feel my chest pain short of breath "
    "red swollen site bleeding sudden new severe sin fiebre hormigueo piernas débiles , . but "
    "or and ni I have don't"
)


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.sampled_from(_SIGN_WORDS.split(" ")), max_size=30))
def test_texts_built_from_sign_words_never_raise(words: list[str]) -> None:
    text = " ".join(words)
    for sign in find_warning_signs(text):
        assert sign.phrase in text


def test_every_sign_has_phrases_in_the_vocabulary_file() -> None:
    assert VOCABULARY.is_file()
    assert {pattern.sign for pattern in SIGN_PATTERNS} == set(SIGNS)


def _phrase(phrase: str, **lists: list[str]) -> str:
    """A phrase compiled with small word lists, as a regex."""

    def lookup(name: str) -> Compiled:
        words = "|".join(lists[name])
        return Compiled(f"(?:{words})", frozenset(lists[name]))

    return compile_phrase(phrase, lookup, "not|no").regex


@pytest.mark.parametrize(
    ("phrase", "matching", "not_matching"),
    [
        ("took a (tumble|spill)", ["took a spill"], ["took a fall"]),
        ("slipped [in the] shower", ["slipped shower", "slipped in the shower"], ["slipped"]),
        ("[{owner}]* legs gave out", ["my left legs gave out", "legs gave out"], ["legs out"]),
        ("desmay*", ["desmayo", "desmayada"], ["desma"]),
        ("legs ... weak", ["legs weak", "legs are so very weak"], ["legs are a bit too weak"]),
        ("fell -(asleep|behind)", ["fell", "fell down"], ["fell asleep"]),
        ("legs <not> weak", ["legs weak", "legs not weak"], ["legs never weak"]),
        ("can't stand", ["cant stand"], ["can stand"]),
    ],
)
def test_phrase_syntax_compiles_to_whole_word_patterns(
    phrase: str, matching: list[str], not_matching: list[str]
) -> None:
    regex = re.compile(rf"(?<!\w)(?:{_phrase(phrase, owner=['my', 'left'])})(?!\w)")
    assert all(regex.search(text) for text in matching)
    assert not any(regex.search(text) for text in not_matching)


@pytest.mark.parametrize("phrase", ["took a (tumble", "fell]", "{nowhere} fell", "<not> a <no>"])
def test_a_phrase_that_cannot_be_read_is_refused(phrase: str) -> None:
    with pytest.raises((PhraseError, KeyError)):  # KeyError: the test's own list lookup
        _phrase(phrase)


def test_a_clinician_adds_a_phrasing_to_the_vocabulary_file(tmp_path: Path) -> None:
    vocabulary = tmp_path / "signs.toml"
    vocabulary.write_text(
        '[words]\nnegation = ["no"]\nperson = ["she", "he"]\n'
        '[fall]\nphrases = ["{person} (took|had) a (tumble|header)"]\n',
        encoding="utf-8",
    )
    _, groups = read_vocabulary(vocabulary)
    regex = re.compile(groups[0].phrases[0].regex)
    assert groups[0].sign_key == "fall"
    assert regex.fullmatch("she took a header")
