#!/usr/bin/env python3
"""Generate the dealwatch sample mailbox (samples/mailbox/) and samples/README.md.

Standard library only, deterministic: running it twice produces byte-identical output.
It deletes and rewrites samples/mailbox/ (Maildir fs layout: INBOX/cur, Sent/cur, labels.json;
no new/ or tmp/ on purpose) and samples/README.md, then validates what it wrote.

Everything in here is fiction: companies, people, domains (.example), phone numbers
(ranges reserved for drama), IP addresses (documentation ranges), amounts.

Usage: python3 samples/make_sample.py
"""

import base64
import datetime as _dt
import email
import email.policy
import hashlib
import html
import json
import os
import quopri
import shutil
import sys
import unicodedata
from email.header import Header
from email.utils import format_datetime, formataddr, parsedate_to_datetime

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "mailbox")
README = os.path.join(HERE, "README.md")

AS_OF = "2026-06-01T08:00:00Z"
AS_OF_DT = _dt.datetime(2026, 6, 1, 8, 0, tzinfo=_dt.timezone.utc)
OWN_DOMAIN = "ventilaire.example"

# --------------------------------------------------------------------------- people

CAMILLE = ("Camille Rouvière", "camille.rouviere@ventilaire.example")
JULIEN = ("Julien Ferrand", "julien.ferrand@ventilaire.example")
SANDRINE = ("Sandrine Maurel", "sandrine.maurel@ventilaire.example")

# --------------------------------------------------------------------------- helpers


def h(*parts):
    """Deterministic hex digest of the given parts."""
    return hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def when(s, tz_hours):
    """'2026-02-09 10:12[:ss]' + offset in hours -> aware datetime."""
    fmt = "%Y-%m-%d %H:%M:%S" if s.count(":") == 2 else "%Y-%m-%d %H:%M"
    d = _dt.datetime.strptime(s, fmt)
    return d.replace(tzinfo=_dt.timezone(_dt.timedelta(hours=tz_hours)))


def addr(person):
    name, a = person
    if all(ord(c) < 128 for c in name):
        return formataddr((name, a))
    return Header(name, "utf-8").encode() + " <" + a + ">"


def addrs(people):
    return ", ".join(addr(p) for p in people)


def enc_header(value, charset="utf-8", name="Subject"):
    if all(ord(c) < 128 for c in value):
        return value
    return Header(value, charset, header_name=name).encode(linesep="\n")


def gt(text):
    """Quote text with '> ' the way mail clients do."""
    out = []
    for line in text.rstrip("\n").split("\n"):
        if line == "":
            out.append(">")
        elif line.startswith(">"):
            out.append(">" + line)
        else:
            out.append("> " + line)
    return "\n".join(out) + "\n"


def to_ascii(s):
    table = {"€": "EUR", "–": "-", "—": "-", "ß": "ss", "Ø": "O", "ø": "o", "’": "'",
             "«": '"', "»": '"', "\u00a0": " ", "\u202f": " ", "°": " deg", "m³": "m3"}
    for k, v in table.items():
        s = s.replace(k, v)
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if ord(c) < 128)


def make_pdf(lines):
    """A tiny, structurally valid, uncompressed one-page PDF showing `lines`."""
    def esc(t):
        return to_ascii(t).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = "BT /F1 10 Tf 56 790 Td 15 TL\n"
    for i, line in enumerate(lines):
        content += ("(%s) Tj\n" % esc(line)) if i == 0 else ("T* (%s) Tj\n" % esc(line))
    content += "ET\n"
    # The total again, on its own text object, as most quoting tools do for the footer box.
    totals = [l for l in lines if "total" in l.lower() or "summe" in l.lower()]
    if totals:
        content += "BT /F1 11 Tf 330 120 Td (%s) Tj ET\n" % esc(totals[0])
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        "<< /Length %d >>\nstream\n%sendstream" % (len(content), content),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    data = bytearray(out.encode("latin-1"))
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(data))
        data += ("%d 0 obj\n%s\nendobj\n" % (i, o)).encode("latin-1")
    xref = len(data)
    data += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode()
    for off in offsets:
        data += ("%010d 00000 n \n" % off).encode()
    data += ("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
             % (len(objs) + 1, xref)).encode()
    return bytes(data)


# ---- MIME parts: each is (list_of_header_lines, body_str)

def text_part(text, charset="utf-8", cte="quoted-printable", subtype="plain"):
    data = text.encode(charset)
    if cte == "quoted-printable":
        body = quopri.encodestring(data).decode("ascii")
    elif cte == "base64":
        body = base64.encodebytes(data).decode("ascii")
    else:  # 7bit / 8bit (utf-8 only: the file is written as UTF-8)
        assert charset in ("utf-8", "us-ascii")
        body = text
    if not body.endswith("\n"):
        body += "\n"
    hdrs = ['Content-Type: text/%s; charset="%s"' % (subtype, charset),
            "Content-Transfer-Encoding: %s" % cte]
    return hdrs, body


def html_of(text, style="font-family:Calibri,Arial,sans-serif;font-size:11pt"):
    paras = html.escape(text.rstrip("\n")).split("\n")
    inner = "<br>\n".join(p if p else "&nbsp;" for p in paras)
    return ('<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            '</head>\n<body>\n<div style="%s">\n%s\n</div>\n</body>\n</html>\n' % (style, inner))


def attachment(filename, data, ctype="application/pdf"):
    body = base64.encodebytes(data).decode("ascii")
    hdrs = ['Content-Type: %s; name="%s"' % (ctype, filename),
            'Content-Disposition: attachment; filename="%s"' % filename,
            "Content-Transfer-Encoding: base64"]
    return hdrs, body


def multipart(subtype, parts, boundary, preamble=True):
    hdrs = ["Content-Type: multipart/%s;\n\tboundary=\"%s\"" % (subtype, boundary)]
    body = "This is a multi-part message in MIME format.\n" if preamble else ""
    for ph, pb in parts:
        body += "\n--%s\n%s\n\n%s" % (boundary, "\n".join(ph), pb)
        if not body.endswith("\n"):
            body += "\n"
    body += "\n--%s--\n" % boundary
    return hdrs, body


def boundary_for(style, key):
    x = h("boundary", key)
    if style == "outlook":
        return "----=_NextPart_000_%s_%s.%s" % (x[:4].upper(), x[4:12].upper(), x[12:20].upper())
    if style == "apple":
        u = x.upper()
        return "Apple-Mail=_%s-%s-%s-%s-%s" % (u[:8], u[8:12], u[12:16], u[16:20], u[20:32])
    if style == "gmail":
        return "000000000000" + x[:16]
    if style == "bulk":
        return "==MP_" + x[:24] + "=="
    return "------------" + x[:24]


def msgid_for(style, key, domain):
    x = h("mid", key)
    if style == "tb":
        return "<%s-%s-%s-%s-%s@%s>" % (x[:8], x[8:12], "4" + x[13:16], "a" + x[17:20], x[20:32], domain)
    if style == "outlook":
        return "<%s01dc%s$%s$%s$@%s>" % (x[:4], x[4:8], x[8:16], x[16:24], domain)
    if style == "exchange":
        return "<%s@EXCH02.%s>" % (x[:32].upper(), domain)
    if style == "apple":
        u = x.upper()
        return "<%s-%s-%s-%s-%s@%s>" % (u[:8], u[8:12], u[12:16], u[16:20], u[20:32], domain)
    if style == "gmail":
        b = base64.b64encode(bytes.fromhex(x + x[:8])).decode().rstrip("=").replace("/", "_").replace("+", "-")
        return "<CAK%s@mail.gmail.example>" % b
    if style == "roundcube":
        return "<%s@%s>" % (x[:32], domain)
    if style == "bulk":
        return "<%s.%s@%s>" % (x[:10], x[10:22], domain)
    raise ValueError(style)


def mailer_headers(style, key, lang):
    x = h("mailer", key)
    if style == "tb":
        return [("User-Agent", "Mozilla Thunderbird"), ("Content-Language", lang)]
    if style in ("outlook", "exchange"):
        ti = base64.b64encode(bytes.fromhex(x[:32]) + b"\x00" * 4).decode()
        return [("X-Mailer", "Microsoft Outlook 16.0"), ("Thread-Index", ti),
                ("Content-Language", lang)]
    if style == "apple":
        return [("X-Mailer", "Apple Mail (2.3826.400.131.1.6)")]
    if style == "roundcube":
        return [("User-Agent", "Roundcube Webmail/1.6.9")]
    return []


MX_IP = {}


def received_headers(to_addr, frm_addr, date, key):
    dom = frm_addr.split("@")[1]
    if dom not in MX_IP:
        MX_IP[dom] = "203.0.113.%d" % (20 + len(MX_IP) * 7)
    x = h("rcv", key)
    arrived = date + _dt.timedelta(seconds=3 + int(x[:2], 16) % 40)
    local = _dt.timezone(_dt.timedelta(hours=2 if arrived >= _dt.datetime(
        2026, 3, 29, 1, 0, tzinfo=_dt.timezone.utc) else 1))
    return [
        ("Return-Path", "<%s>" % frm_addr),
        ("Delivered-To", to_addr),
        ("Received", "from mail.%s (mail.%s [%s])\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n"
                     "\tby mx1.ventilaire.example (Postfix) with ESMTPS id %s\n\tfor <%s>; %s"
         % (dom, dom, MX_IP[dom], x[2:12].upper(), to_addr, format_datetime(arrived.astimezone(local)))),
    ]


# --------------------------------------------------------------------------- message store

MSGS = {}      # key -> record
ORDER = []     # keys in creation order


def add(key, folder, date, frm, to, subject, part, text, cc=(), parent=None, threading=True,
        style="tb", lang="fr", extra=(), crlf=False, flags="S", subject_charset="utf-8",
        received=None, domain=None):
    assert key not in MSGS, key
    dom = domain or frm[1].split("@")[1]
    mid = msgid_for(style, key, dom)
    hdrs = []
    if received is None:
        received = folder == "INBOX"
    if received:
        hdrs += received_headers(CAMILLE[1] if any(p == CAMILLE for p in list(to) + list(cc)) else to[0][1],
                                 frm[1], date, key)
    hdrs += [("From", addr(frm)), ("To", addrs(to))]
    if cc:
        hdrs.append(("Cc", addrs(cc)))
    hdrs += [("Subject", enc_header(subject, subject_charset)),
             ("Date", format_datetime(date)),
             ("Message-ID", mid)]
    if parent and threading:
        p = MSGS[parent]
        hdrs.append(("In-Reply-To", p["mid"]))
        refs = p["refs"] + [p["mid"]]
        hdrs.append(("References", "\n ".join(refs)))
    else:
        refs = []
    hdrs += list(extra)
    hdrs += mailer_headers(style, key, {"fr": "fr", "en": "en-GB", "de": "de-DE"}[lang])
    if style == "apple":
        hdrs.append(("Mime-Version", "1.0 (Mac OS X Mail 16.0 \\(3826.400.131.1.6\\))"))
    else:
        hdrs.append(("MIME-Version", "1.0"))
    ph, pb = part
    raw = "\n".join("%s: %s" % kv for kv in hdrs) + "\n" + "\n".join(ph) + "\n\n" + pb
    if not raw.endswith("\n"):
        raw += "\n"
    data = raw.encode("utf-8")
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    MSGS[key] = dict(key=key, folder=folder, date=date, mid=mid, refs=refs if threading else [],
                     subject=subject, text=text, data=data, flags=flags, frm=frm)
    ORDER.append(key)
    return MSGS[key]


def plain(text, style="tb", cte=None, charset="utf-8"):
    if cte is None:
        cte = "8bit" if style == "tb" else "quoted-printable"
    return text_part(text, charset, cte)


def alt(text, style, key, charset="utf-8"):
    return multipart("alternative",
                     [text_part(text, charset, "quoted-printable"),
                      text_part(html_of(text), charset, "quoted-printable", "html")],
                     boundary_for(style, key + "alt"), preamble=False)


def with_files(body_part, files, style, key):
    return multipart("mixed", [body_part] + [attachment(*f) for f in files], boundary_for(style, key))


def photo(seed, size):
    """A JPEG-like blob (deterministic): large enough that dealwatch does not read it."""
    out = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
    block = seed.encode()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return out[:size] + b"\xff\xd9"


# --------------------------------------------------------------------------- signatures

LEGAL = ("Ventilaire SARL au capital de 60 000 € – RCS Grenoble 999 000 417 – TVA FR00 999000417\n"
         "Ce message et ses pièces jointes sont confidentiels et destinés exclusivement à leurs destinataires.")

SIG_FR = """-- 
Camille Rouvière
Chargée d'affaires – Ventilation industrielle
Ventilaire SARL · 14 rue des Fondeurs · 38100 Grenoble
Tél. +33 1 99 00 41 27 · Mob. +33 6 39 98 52 14
www.ventilaire.example

""" + LEGAL + "\n"

SIG_EN = """-- 
Camille Rouvière
Sales Engineer – Industrial Ventilation
Ventilaire SARL · 14 rue des Fondeurs · 38100 Grenoble · France
Phone +33 1 99 00 41 27 · Mobile +33 6 39 98 52 14
www.ventilaire.example

""" + LEGAL + "\n"

SIG_DE = """-- 
Camille Rouvière
Vertrieb – Industrielle Lüftungstechnik
Ventilaire SARL · 14 rue des Fondeurs · 38100 Grenoble · Frankreich
Tel. +33 1 99 00 41 27 · Mobil +33 6 39 98 52 14
www.ventilaire.example

""" + LEGAL + "\n"

CAMILLE_ADDR = "Camille Rouvière <camille.rouviere@ventilaire.example>"


def quote_pdf(kind, ref, date, client, subject, items, totals, extra=()):
    head = {"fr": ("DEVIS", "Client"), "en": ("QUOTATION", "Customer"), "de": ("ANGEBOT", "Kunde")}[kind]
    lines = ["VENTILAIRE SARL - 14 rue des Fondeurs - 38100 Grenoble - Tel. +33 1 99 00 41 27",
             "%s %s du %s" % (head[0], ref, date) if kind == "fr" else
             ("%s %s dated %s" % (head[0], ref, date) if kind == "en" else "%s %s vom %s" % (head[0], ref, date)),
             "%s : %s" % (head[1], client), subject, ""]
    lines += items + [""] + totals + list(extra)
    return make_pdf(lines)


# =========================================================================== THREADS
# Each thread: messages in chronological order. LABELS collects the ground truth.

LABELS = []


def label(**kw):
    LABELS.append(kw)


# --------------------------------------------------------------------------- t01 won (fr)
MATHILDE = ("Mathilde Carron", "m.carron@fromagerie-beaufortain.example")
s01 = "Devis DEV-2026-031 – Extraction cave d'affinage"
t = """Bonjour Madame Carron,

Suite à la visite de jeudi dernier avec Julien Ferrand, veuillez trouver ci-joint notre devis DEV-2026-031 pour l'extraction et la reprise d'air de la cave d'affinage n° 2.

Le devis comprend :
- 1 caisson d'extraction 2 400 m³/h à variation de vitesse, moteur EC ;
- 18 m de gaine inox 316L Ø 315 avec trappes de visite ;
- 2 grilles de reprise et 1 régulateur d'hygrométrie ;
- la dépose de l'ancien extracteur, la mise en service et le réglage.

Montant total : 8 450,00 € HT (TVA 20 % en sus).
Délai d'intervention : 3 semaines après accord. Validité de l'offre : 60 jours.

Je reste à votre disposition pour toute question.

Bien cordialement,

""" + SIG_FR
pdf = quote_pdf("fr", "DEV-2026-031", "09/02/2026", "Fromagerie du Beaufortain", "Objet : extraction cave d'affinage n 2",
                ["1 caisson d'extraction 2 400 m3/h EC ............ 3 980,00",
                 "18 m gaine inox 316L D315 + trappes .............. 2 610,00",
                 "Grilles, regulateur hygrometrie .................... 760,00",
                 "Depose, mise en service, reglage ................. 1 100,00"],
                ["Total HT : 8 450,00 EUR", "TVA 20 % : 1 690,00 EUR", "Total TTC : 10 140,00 EUR"])
add("t01m1", "Sent", when("2026-02-09 10:12", 1), CAMILLE, [MATHILDE], s01,
    with_files(plain(t, cte="quoted-printable"), [("Devis_DEV-2026-031.pdf", pdf)], "tb", "t01m1"), t, cc=[JULIEN])

t = """Bonjour Camille,

Merci pour le devis. Deux points avant de le faire valider :
- nous désinfectons la cave une fois par mois avec un produit chloré (dilution 2 %). L'inox 316L tient-il dans la durée ?
- est-il possible d'intervenir un lundi ? C'est notre seul jour sans fabrication.

Cordialement,

Mathilde Carron
Responsable production
Fromagerie du Beaufortain – 73270 Beaufort
Tél. +33 1 99 00 58 61

De : Camille Rouvière <camille.rouviere@ventilaire.example>
Envoyé : lundi 9 février 2026 10:12
À : Mathilde Carron <m.carron@fromagerie-beaufortain.example>
Cc : Julien Ferrand <julien.ferrand@ventilaire.example>
Objet : Devis DEV-2026-031 – Extraction cave d'affinage

""" + MSGS["t01m1"]["text"]
add("t01m2", "INBOX", when("2026-02-12 14:37", 1), MATHILDE, [CAMILLE], "RE: " + s01,
    alt(t, "outlook", "t01m2"), t, cc=[JULIEN], parent="t01m1", style="outlook", flags="RS")

t = """Bonjour Madame Carron,

Oui pour les deux :
- le 316L supporte sans problème un produit chloré à 2 % ; nous recommandons simplement un rinçage à l'eau claire des grilles après désinfection ;
- nous pouvons intervenir un lundi, l'installation tient sur une journée avec deux techniciens.

Bien cordialement,

""" + SIG_FR + """
Le 12/02/2026 à 14:37, Mathilde Carron a écrit :
""" + gt(MSGS["t01m2"]["text"])
add("t01m3", "Sent", when("2026-02-13 09:05", 1), CAMILLE, [MATHILDE], "Re: " + s01,
    plain(t), t, cc=[JULIEN], parent="t01m2")

t = """Bonjour Camille,

Veuillez trouver ci-joint le devis DEV-2026-031 signé avec la mention « bon pour accord ».
Pourriez-vous nous proposer une date d'intervention en mars, un lundi si possible ? Notre comptabilité vous fera parvenir l'acompte.

Cordialement,

Mathilde Carron
Responsable production
Fromagerie du Beaufortain – 73270 Beaufort
Tél. +33 1 99 00 58 61
"""
signed = quote_pdf("fr", "DEV-2026-031", "09/02/2026", "Fromagerie du Beaufortain", "Objet : extraction cave d'affinage n 2",
                   ["(detail page 1 - inchange)"],
                   ["Total HT : 8 450,00 EUR", "Total TTC : 10 140,00 EUR"],
                   ["", "Bon pour accord - Beaufort, le 19/02/2026", "M. Carron, responsable production", "[signature manuscrite] [cachet]"])
add("t01m4", "INBOX", when("2026-02-20 11:48", 1), MATHILDE, [CAMILLE], "RE: " + s01,
    with_files(alt(t, "outlook", "t01m4"), [("Devis_DEV-2026-031_signe.pdf", signed)], "outlook", "t01m4"),
    t, parent="t01m3", style="outlook", flags="RS")

t = """Bonjour Madame Carron,

Merci pour votre confiance !
Je vous propose le lundi 16 mars, arrivée de l'équipe à 7 h 30. Sandrine Maurel, en copie, vous envoie aujourd'hui l'accusé de réception de commande et la facture d'acompte de 30 %.

Bien cordialement,

""" + SIG_FR + """
Le 20/02/2026 à 11:48, Mathilde Carron a écrit :
""" + gt(MSGS["t01m4"]["text"])
add("t01m5", "Sent", when("2026-02-20 15:10", 1), CAMILLE, [MATHILDE], "Re: " + s01,
    plain(t), t, cc=[JULIEN, SANDRINE], parent="t01m4")

label(id="t01", kind="opportunity", anchor_message_id=MSGS["t01m1"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t01m1", "t01m2", "t01m3", "t01m4", "t01m5")],
      expected_state="won", customer_domain="fromagerie-beaufortain.example", amount=8450.00, currency="EUR",
      quote_ref="DEV-2026-031", revisit_on=None, language="fr",
      notes="Technical question (chlorine, Monday install) answered; on 2026-02-20 the customer returns "
            "Devis_DEV-2026-031_signe.pdf with 'bon pour accord'. Outlook replies, colleagues in Cc.")

# --------------------------------------------------------------------------- t02 won (en)
GRAHAM = ("Graham Whitfield", "g.whitfield@harlowprecision.example")
s02 = "Quotation Q-2026-044 – Fume extraction for CNC cell 3"
t = """Dear Mr Whitfield,

Thank you for your time on the call last Thursday. Please find attached our quotation Q-2026-044 for the oil-mist and fume extraction on CNC cell 3 at your Telford site.

Scope of supply:
- 3 oil-mist separators with H13 after-filter, 1,200 m³/h each;
- galvanised ducting and flexible connections to the three machining centres;
- on-site commissioning by our engineer and a half-day operator training.

Total: EUR 12,300.00 excl. VAT, delivered DAP Telford.
Lead time: 5 weeks from order. This quotation is valid for 90 days.

Please let me know if you have any questions.

Kind regards,

""" + SIG_EN
pdf = quote_pdf("en", "Q-2026-044", "03/03/2026", "Harlow Precision Components Ltd", "Subject: fume extraction, CNC cell 3, Telford",
                ["3 x oil-mist separator 1,200 m3/h + H13 ..... EUR 8,940.00",
                 "Ducting and connections ..................... EUR 1,860.00",
                 "Commissioning + training .................... EUR 1,500.00"],
                ["Total excl. VAT: EUR 12,300.00", "Incoterm: DAP Telford - payment 30 days net"])
add("t02m1", "Sent", when("2026-03-03 10:20", 1), CAMILLE, [GRAHAM], s02,
    # A site photo before the quote: it is left out when parsing (and when fetching over IMAP)
    # while the PDF after it is still read.
    with_files(alt(t, "tb", "t02m1"), [("Telford_cell3.jpg", photo("t02m1", 60_000), "image/jpeg"),
                                       ("Q-2026-044_Ventilaire.pdf", pdf)], "tb", "t02m1"), t, lang="en")

t = """Dear Graham,

I am just following up on our quotation Q-2026-044 sent on 3 March. If it helps, I am happy to set up a short call with our engineer to go through the layout of the separators.

Kind regards,

""" + SIG_EN + """
On Tue, 3 Mar 2026 at 10:20, Camille Rouvière <camille.rouviere@ventilaire.example> wrote:
""" + gt(MSGS["t02m1"]["text"])
add("t02m2", "Sent", when("2026-03-17 09:02", 1), CAMILLE, [GRAHAM], "Re: " + s02,
    plain(t), t, parent="t02m1", lang="en")

t = """Hi Camille,

Apologies for the slow reply – the budget sign-off took longer than expected.

Please go ahead with Q-2026-044 as quoted. Our purchase order PO 4500-7781 is attached; please quote it on your invoice and delivery note. Could you confirm the delivery week?

Best regards,
Graham

Graham Whitfield | Facilities Manager
Harlow Precision Components Ltd
Unit 7, Stafford Park, Telford
T: +44 1632 960 418

________________________________
From: Camille Rouvière <camille.rouviere@ventilaire.example>
Sent: 17 March 2026 08:02
To: Graham Whitfield <g.whitfield@harlowprecision.example>
Subject: Re: Quotation Q-2026-044 – Fume extraction for CNC cell 3

""" + MSGS["t02m2"]["text"]
po = make_pdf(["HARLOW PRECISION COMPONENTS LTD - PURCHASE ORDER", "PO number: 4500-7781   Date: 19/03/2026",
               "Supplier: Ventilaire SARL, Grenoble, France", "Your ref: Q-2026-044",
               "Item 10: fume extraction CNC cell 3 as per quotation", "Order total: EUR 12,300.00 (excl. VAT)"])
add("t02m3", "INBOX", when("2026-03-19 16:44", 0), GRAHAM, [CAMILLE], "RE: " + s02,
    with_files(alt(t, "outlook", "t02m3"), [("PO_4500-7781.pdf", po)], "outlook", "t02m3"),
    t, parent="t02m2", style="outlook", lang="en", crlf=True, flags="RS")

t = """Dear Graham,

Thank you for the order – PO 4500-7781 is well received.
Delivery is planned for week 17 (20–24 April), with commissioning on Thursday 23 April. Sandrine Maurel (in copy) will send you the order acknowledgement today.

Kind regards,

""" + SIG_EN + """
On 19/03/2026 16:44, Graham Whitfield wrote:
""" + gt(MSGS["t02m3"]["text"].split("________________________________")[0])
add("t02m4", "Sent", when("2026-03-20 08:55", 1), CAMILLE, [GRAHAM], "Re: " + s02,
    plain(t), t, cc=[SANDRINE], parent="t02m3", lang="en")

label(id="t02", kind="opportunity", anchor_message_id=MSGS["t02m1"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t02m1", "t02m2", "t02m3", "t02m4")],
      expected_state="won", customer_domain="harlowprecision.example", amount=12300.00, currency="EUR",
      quote_ref="Q-2026-044", revisit_on=None, language="en",
      notes="One reminder, then 'Please go ahead with Q-2026-044 as quoted' with PO 4500-7781 attached "
            "(2026-03-19, +0000, CRLF, Outlook 'From/Sent/To/Subject' block).")

# --------------------------------------------------------------------------- t03 won (de)
HOLLMANN = ("Tobias Hollmann", "t.hollmann@hollmann-backwaren.example")
SAUTER = ("Petra Sauter", "einkauf@hollmann-backwaren.example")
s03 = "Angebot ANG-2210 – Abluftanlage Backstube"
t = """Sehr geehrter Herr Hollmann,

vielen Dank für Ihre Anfrage und den freundlichen Empfang bei unserem Termin in Freiburg.
Anbei erhalten Sie unser Angebot ANG-2210 für die neue Abluftanlage über den beiden Etagenöfen:

- 2 Abzugshauben aus Edelstahl mit Fettfilter, je 2,4 m;
- Dachventilator 4.500 m³/h, drehzahlgeregelt;
- Rohrleitung DN 400 inkl. Brandschutzklappe;
- Demontage der Altanlage, Montage und Inbetriebnahme.

Gesamtpreis: 14.980,00 EUR netto zzgl. gesetzl. MwSt.
Lieferzeit: ca. 4 Wochen nach Auftragseingang. Das Angebot ist 8 Wochen gültig.

Für Rückfragen stehe ich Ihnen gern zur Verfügung.

Mit freundlichen Grüßen

""" + SIG_DE
pdf = quote_pdf("de", "ANG-2210", "10.03.2026", "Baeckerei Hollmann GmbH, Freiburg", "Betreff: Abluftanlage Backstube",
                ["2 Abzugshauben Edelstahl 2,4 m .............. 6.240,00",
                 "Dachventilator 4.500 m3/h ................... 3.870,00",
                 "Rohrleitung DN 400, Brandschutzklappe ........ 2.470,00",
                 "Demontage, Montage, Inbetriebnahme ........... 2.400,00"],
                ["Gesamtsumme netto: 14.980,00 EUR", "MwSt. 19 %: 2.846,20 EUR", "Gesamtsumme brutto: 17.826,20 EUR"])
add("t03m1", "Sent", when("2026-03-10 09:30", 1), CAMILLE, [HOLLMANN], s03,
    with_files(plain(t, cte="quoted-printable"), [("Angebot_ANG-2210.pdf", pdf)], "tb", "t03m1"), t, lang="de")

t = """Sehr geehrte Frau Rouvière,

hiermit bestellen wir gemäß Ihrem Angebot ANG-2210 vom 10.03.2026 die Abluftanlage für unsere Backstube zum Festpreis von 14.980,00 EUR netto.
Bitte senden Sie uns eine Auftragsbestätigung. Die Montage bitte nicht vor dem 20.04.2026 (Osterbetrieb).

Mit freundlichen Grüßen

Petra Sauter
Einkauf
Bäckerei Hollmann GmbH · Wiesentalstraße 12 · 79115 Freiburg im Breisgau
Tel. +49 30 23125 471
Geschäftsführer: Tobias Hollmann · Amtsgericht Freiburg HRB 000000

Am 10.03.2026 um 09:30 schrieb Camille Rouvière:
""" + gt(MSGS["t03m1"]["text"])
add("t03m2", "INBOX", when("2026-03-24 07:52", 1), SAUTER, [CAMILLE], "AW: " + s03,
    plain(t, style="roundcube"), t, cc=[HOLLMANN], parent="t03m1", style="roundcube", lang="de", flags="RS")

t = """Sehr geehrte Frau Sauter,

vielen Dank für Ihren Auftrag!
Die Auftragsbestätigung erhalten Sie heute von unserer Kollegin Sandrine Maurel. Die Montage planen wir in KW 18, vom 27. bis 29.04.2026.

Mit freundlichen Grüßen

""" + SIG_DE + """
Am 24.03.2026 um 07:52 schrieb Petra Sauter:
""" + gt(MSGS["t03m2"]["text"].split("Am 10.03.2026")[0])
add("t03m3", "Sent", when("2026-03-24 11:15", 1), CAMILLE, [SAUTER], "Re: AW: " + s03,
    plain(t), t, cc=[HOLLMANN, SANDRINE], parent="t03m2", lang="de")

t = """Guten Morgen Frau Rouvière,

danke, die Auftragsbestätigung ist angekommen. KW 18 passt uns gut.

Mit freundlichen Grüßen
Petra Sauter
Bäckerei Hollmann GmbH · Einkauf · Tel. +49 30 23125 471
"""
add("t03m4", "INBOX", when("2026-03-25 08:03", 1), SAUTER, [CAMILLE], "AW: AW: " + s03,
    plain(t, style="roundcube"), t, parent="t03m3", style="roundcube", lang="de")

label(id="t03", kind="opportunity", anchor_message_id=MSGS["t03m1"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t03m1", "t03m2", "t03m3", "t03m4")],
      expected_state="won", customer_domain="hollmann-backwaren.example", amount=14980.00, currency="EUR",
      quote_ref="ANG-2210", revisit_on=None, language="de",
      notes="Purchasing (einkauf@, another address of the customer) writes 'hiermit bestellen wir gemäß "
            "Ihrem Angebot ANG-2210' on 2026-03-24. Amount written '14.980,00 EUR netto'.")

# --------------------------------------------------------------------------- t04 lost (fr)
BERNARD = ("Bernard Lacroix", "b.lacroix@imprimerie-lacroix.example")
t = """Bonjour Madame,

Notre atelier d'impression offset (2 machines 4 couleurs, environ 350 m²) est mal ventilé : odeurs de solvants et chaleur l'été. Nous souhaitons une ventilation avec traitement des COV.
Pourriez-vous passer voir l'installation et nous faire une proposition ? Je suis présent tous les matins.

Cordialement,
Bernard Lacroix
Gérant – Imprimerie Lacroix-Dumas
Parc d'activités des Tisserands – 38500 Voiron
Tél. +33 1 99 00 72 05
"""
add("t04m0", "INBOX", when("2026-02-20 09:14", 1), BERNARD, [CAMILLE], "Ventilation atelier impression",
    plain(t, style="outlook"), t, style="outlook", flags="RS")

s04 = "Devis DEV-2026-038 - Ventilation et traitement COV salle d'impression"
t = """Bonjour Monsieur Lacroix,

Merci pour votre accueil mardi. Comme convenu, voici notre devis DEV-2026-038 : ventilation double flux de la salle d'impression (6 000 m³/h) avec récupération de chaleur, captage à la source au-dessus des deux presses et filtre à charbon actif pour les COV.

Total : 22 760,00 € HT, soit 27 312,00 € TTC.
Délai : 5 semaines ; travaux réalisables sur deux week-ends pour ne pas arrêter la production.

Bien cordialement,

""" + SIG_FR
pdf = quote_pdf("fr", "DEV-2026-038", "02/03/2026", "Imprimerie Lacroix-Dumas", "Objet : ventilation et traitement COV",
                ["CTA double flux 6 000 m3/h, recuperation ......... 11 420,00",
                 "Captage presses (2) ................................ 4 150,00",
                 "Caisson charbon actif .............................. 3 890,00",
                 "Reseau, pose, mise en service ..................... 3 300,00"],
                ["Total HT : 22 760,00 EUR", "TVA 20 % : 4 552,00 EUR", "Total TTC : 27 312,00 EUR"])
add("t04m1", "Sent", when("2026-03-02 16:05", 1), CAMILLE, [BERNARD], s04,
    with_files(plain(t), [("Devis_DEV-2026-038.pdf", pdf)], "tb", "t04m1"), t, parent="t04m0")

t = """Bonjour Monsieur Lacroix,

Avez-vous pu prendre connaissance de notre proposition DEV-2026-038 ? Je peux repasser à Voiron pour la détailler si besoin.

Bien cordialement,

""" + SIG_FR + """
Le 02/03/2026 à 16:05, Camille Rouvière a écrit :
""" + gt(MSGS["t04m1"]["text"])
add("t04m2", "Sent", when("2026-03-16 10:40", 1), CAMILLE, [BERNARD], "Re: " + s04,
    plain(t), t, parent="t04m1")

t = """Bonjour Madame Rouvière,

Merci pour votre proposition détaillée, nous avons cependant retenu un autre prestataire, déjà présent chez nous pour la climatisation et mieux placé sur le prix.
Nous ne manquerons pas de vous consulter pour de futurs travaux.

Cordialement,
Bernard Lacroix
Gérant – Imprimerie Lacroix-Dumas
Tél. +33 1 99 00 72 05

-----Message d'origine-----
De : Camille Rouvière <camille.rouviere@ventilaire.example>
Envoyé : lundi 16 mars 2026 10:40
À : b.lacroix@imprimerie-lacroix.example
Objet : Re: Devis DEV-2026-038 - Ventilation et traitement COV salle d'impression

""" + MSGS["t04m2"]["text"].split("Le 02/03/2026")[0]
t = t.replace("€", "EUR").replace("–", "-").replace("·", "-").replace("’", "'").replace("³", "3")
add("t04m3", "INBOX", when("2026-03-20 18:22", 1), BERNARD, [CAMILLE], "RE: " + s04,
    text_part(t, "iso-8859-1", "quoted-printable"), t, parent="t04m2", style="outlook", crlf=True)

label(id="t04", kind="opportunity", anchor_message_id=MSGS["t04m1"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t04m0", "t04m1", "t04m2", "t04m3")],
      expected_state="lost", customer_domain="imprimerie-lacroix.example", amount=22760.00, currency="EUR",
      quote_ref="DEV-2026-038", revisit_on=None, language="fr",
      notes="Inbound request, quote (HT and TTC both given: take HT), reminder, then a refusal that opens with "
            "thanks: 'Merci pour votre proposition détaillée, nous avons cependant retenu un autre "
            "prestataire' (ISO-8859-1 quoted-printable, CRLF, Outlook 'Message d'origine' block).")

# --------------------------------------------------------------------------- t05 lost (en, USD, -0500)
DANA = ("Dana Kowalski", "dana.kowalski@northgatebrewing.example")
s05 = "Quote Q-2026-051 – Brewhouse vapour extraction, Annecy taproom"
t = """Hi Dana,

As discussed, please find attached our quote Q-2026-051 for the vapour extraction above the 10 hl brewhouse in your new Annecy taproom: stainless steel canopy 3.2 x 1.6 m, high-temperature fan, ducting through the roof and commissioning.

Total: $6,750 (USD, excluding French VAT, as requested for your head-office budget).
Installation can be done in one day, ideally before the brewhouse is filled for the first time.

Best regards,

""" + SIG_EN
pdf = quote_pdf("en", "Q-2026-051", "04/02/2026", "Northgate Brewing Co. (Annecy taproom)", "Subject: brewhouse vapour extraction",
                ["Stainless canopy 3.2 x 1.6 m ...... USD 3,480.00",
                 "High-temperature fan .............. USD 1,640.00",
                 "Ducting, roof crossing ............ USD 1,030.00",
                 "Installation, commissioning ....... USD   600.00"],
                ["Total (excl. VAT): USD 6,750.00"])
add("t05m1", "Sent", when("2026-04-02 15:30", 2), CAMILLE, [DANA], s05,
    with_files(plain(t, cte="quoted-printable"), [("Q-2026-051.pdf", pdf)], "tb", "t05m1"), t, lang="en")

t = """Hi Camille,

Thanks for the quick turnaround. Two questions from our brewer:
1. Does the canopy include a condensate gutter and drain? We get a lot of condensation at the end of the boil.
2. Is the fan rated for continuous operation at 80 °C?

Thanks,
Dana

Dana Kowalski
Operations Manager, Northgate Brewing Co.
Milwaukee, WI · (414) 555-0147

On Thu, Apr 2, 2026 at 8:30 AM Camille Rouvière <camille.rouviere@ventilaire.example> wrote:
""" + gt(MSGS["t05m1"]["text"])
add("t05m2", "INBOX", when("2026-04-06 09:12", -5), DANA, [CAMILLE], "Re: " + s05,
    alt(t, "gmail", "t05m2"), t, parent="t05m1", style="gmail", lang="en", flags="RS")

t = """Hi Dana,

1. Yes: a stainless condensate gutter runs around the canopy, with a 1" drain connection on the back.
2. Yes: the fan is rated for 120 °C in continuous operation, so 80 °C leaves a comfortable margin.

Best regards,

""" + SIG_EN + """
On 06/04/2026 16:12, Dana Kowalski wrote:
""" + gt(MSGS["t05m2"]["text"].split("On Thu, Apr 2")[0])
add("t05m3", "Sent", when("2026-04-07 10:05", 2), CAMILLE, [DANA], "Re: " + s05,
    plain(t), t, parent="t05m2", lang="en")

t = """Hi Camille,

Thanks again for your help and quick answers. After reviewing the bids, we've awarded the contract to another supplier – they are bundling the extraction with the brewhouse installation, which made it simpler for us.

I really appreciate your time and hope we can work together on a future project.

Best,
Dana

On Tue, Apr 7, 2026 at 3:05 AM Camille Rouvière <camille.rouviere@ventilaire.example> wrote:
""" + gt(MSGS["t05m3"]["text"])
add("t05m4", "INBOX", when("2026-04-21 13:47", -5), DANA, [CAMILLE], "Re: " + s05,
    alt(t, "gmail", "t05m4"), t, parent="t05m3", style="gmail", lang="en")

label(id="t05", kind="opportunity", anchor_message_id=MSGS["t05m1"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t05m1", "t05m2", "t05m3", "t05m4")],
      expected_state="lost", customer_domain="northgatebrewing.example", amount=6750.00, currency="USD",
      quote_ref="Q-2026-051", revisit_on=None, language="en",
      notes="Amount written '$6,750'. Customer in -0500. Technical Q&A, then on 2026-04-21 "
            "\"we've awarded the contract to another supplier\".")

# --------------------------------------------------------------------------- t06 lost (de, AW: without threading headers)
FELDMANN = ("Markus Feldmann", "m.feldmann@brenner-kunststoff.example")
s06 = "Angebot ANG-2214 – Absaugung Spritzgießhalle"
t = """Sehr geehrter Herr Feldmann,

wie besprochen sende ich Ihnen unser Angebot ANG-2214 für die Absaugung der Spritzgießhalle (8 Maschinen, Halle B):
Punktabsaugung an jeder Maschine, zentrales Filtergerät mit Aktivkohlestufe, Rohrnetz und Wärmerückgewinnung für die Zuluft.

Angebotssumme: 31.450,00 EUR netto (37.425,50 EUR brutto).
Ausführung in zwei Bauabschnitten möglich, damit die Produktion weiterläuft.

Mit freundlichen Grüßen

""" + SIG_DE
pdf = quote_pdf("de", "ANG-2214", "18.03.2026", "Brenner Kunststofftechnik GmbH, Loerrach", "Betreff: Absaugung Spritzgiesshalle B",
                ["8 Punktabsaugungen .......................... 7.920,00",
                 "Filtergeraet mit Aktivkohlestufe ............ 12.300,00",
                 "Rohrnetz, WRG Zuluft ......................... 8.030,00",
                 "Montage, Inbetriebnahme ...................... 3.200,00"],
                ["Gesamtsumme netto: 31.450,00 EUR", "MwSt. 19 %: 5.975,50 EUR", "Gesamtsumme brutto: 37.425,50 EUR"])
add("t06m1", "Sent", when("2026-03-18 14:20", 1), CAMILLE, [FELDMANN], s06,
    with_files(plain(t), [("Angebot_ANG-2214.pdf", pdf)], "tb", "t06m1"), t, lang="de")

t = """Sehr geehrte Frau Rouvière,

danke für das Angebot. Wir vergleichen derzeit noch mehrere Angebote; eine Entscheidung fällt voraussichtlich Anfang April.

Mit freundlichen Grüßen
Markus Feldmann

Dipl.-Ing. Markus Feldmann
Technische Leitung
Brenner Kunststofftechnik GmbH · Industriestraße 40 · 79539 Lörrach
Tel. +49 30 23125 618
Sitz der Gesellschaft: Lörrach · Registergericht Freiburg HRB 000001

-----Ursprüngliche Nachricht-----
Von: Camille Rouvière <camille.rouviere@ventilaire.example>
Gesendet: Mittwoch, 18. März 2026 14:20
An: Markus Feldmann <m.feldmann@brenner-kunststoff.example>
Betreff: Angebot ANG-2214 – Absaugung Spritzgießhalle

""" + MSGS["t06m1"]["text"]
add("t06m2", "INBOX", when("2026-03-23 10:02", 1), FELDMANN, [CAMILLE], "AW: " + s06,
    alt(t, "outlook", "t06m2"), t, parent="t06m1", style="exchange", lang="de")

t = """Sehr geehrte Frau Rouvière,

vielen Dank nochmals für Ihr Angebot ANG-2214 und die gute Beratung vor Ort.
Leider haben wir uns für einen anderen Anbieter entschieden, der die Anlage zusammen mit der Hallenlüftung liefert.

Wir behalten Sie gern für zukünftige Projekte im Blick.

Mit freundlichen Grüßen
Markus Feldmann

Dipl.-Ing. Markus Feldmann
Technische Leitung
Brenner Kunststofftechnik GmbH · Industriestraße 40 · 79539 Lörrach
Tel. +49 30 23125 618
Sitz der Gesellschaft: Lörrach · Registergericht Freiburg HRB 000001
"""
add("t06m3", "INBOX", when("2026-04-08 16:03", 2), FELDMANN, [CAMILLE], "AW: Ihr Angebot ANG-2214 Absaugung Spritzgießhalle",
    alt(t, "outlook", "t06m3"), t, parent="t06m2", threading=False, style="exchange", lang="de",
    subject_charset="iso-8859-1", crlf=True)

label(id="t06", kind="opportunity", anchor_message_id=MSGS["t06m1"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t06m1", "t06m2", "t06m3")],
      expected_state="lost", customer_domain="brenner-kunststoff.example", amount=31450.00, currency="EUR",
      quote_ref="ANG-2214", revisit_on=None, language="de",
      notes="Final answer 'Leider haben wir uns für einen anderen Anbieter entschieden' (2026-04-08) has NO "
            "In-Reply-To/References: it must be linked by the 'AW:' subject, the sender's domain and the "
            "quote reference ANG-2214. Subjects RFC 2047 ISO-8859-1 (ß).")

# --------------------------------------------------------------------------- t07 vanished (fr, abandoned)
YANNICK = ("Yannick Gaillard", "yannick@menuiserie-gaillard.example")
s07 = "Devis DEV-2026-035 – Dépoussiérage atelier"
t = """Bonjour Yannick,

Voici notre devis DEV-2026-035 pour le dépoussiérage de l'atelier agrandi : centrale d'aspiration 9 000 m³/h avec filtre à manches extérieur, réseau pour 7 machines avec clapets automatiques, silo de 6 m³ pour les copeaux.

Montant : 17 300,00 € HT, pose comprise.
Nous pouvons caler les travaux avec la fin du gros œuvre de l'extension.

Bonne journée,

""" + SIG_FR
pdf = quote_pdf("fr", "DEV-2026-035", "16/02/2026", "Menuiserie Gaillard & Fils", "Objet : depoussierage atelier",
                ["Centrale 9 000 m3/h + filtre a manches ....... 9 850,00",
                 "Reseau 7 machines, clapets automatiques ....... 4 200,00",
                 "Silo 6 m3 ...................................... 1 950,00",
                 "Pose et mise en service ........................ 1 300,00"],
                ["Total HT : 17 300,00 EUR", "Total TTC : 20 760,00 EUR"])
add("t07m1", "Sent", when("2026-02-16 11:00", 1), CAMILLE, [YANNICK], s07,
    with_files(plain(t), [("Devis_DEV-2026-035.pdf", pdf)], "tb", "t07m1"), t)

t = """Bonjour Camille,

Bien reçu, merci. Je regarde ça avec mon frère et je reviens vers vous.

Yannick

Le 16 févr. 2026 à 11:00, Camille Rouvière <camille.rouviere@ventilaire.example> a écrit :

""" + gt(MSGS["t07m1"]["text"])
add("t07m2", "INBOX", when("2026-02-18 19:25", 1), YANNICK, [CAMILLE], "Re: " + s07,
    alt(t, "apple", "t07m2"), t, parent="t07m1", style="apple")

t = """Bonjour Camille,

Je préfère vous prévenir tout de suite : le projet est abandonné. Avec la hausse des taux, on a décidé de ne pas construire l'extension cette année, et on garde nos aspirateurs mobiles dans l'atelier actuel.

Merci pour le travail et désolé pour le temps passé.

Yannick Gaillard
Menuiserie Gaillard & Fils – 38920 Crolles
06 39 98 27 40

Envoyé de mon iPhone
"""
add("t07m3", "INBOX", when("2026-03-05 08:17", 1), YANNICK, [CAMILLE], "Re: " + s07,
    plain(t, style="apple"), t, parent="t07m2", style="apple", flags="RS")

t = """Bonjour Yannick,

Merci de m'avoir prévenue, c'est noté. Si le projet redémarre, notre offre pourra être actualisée rapidement.

Bonne continuation,

""" + SIG_FR + """
Le 05/03/2026 à 08:17, Yannick Gaillard a écrit :
""" + gt(MSGS["t07m3"]["text"])
add("t07m4", "Sent", when("2026-03-05 09:30", 1), CAMILLE, [YANNICK], "Re: " + s07,
    plain(t), t, parent="t07m3")

label(id="t07", kind="opportunity", anchor_message_id=MSGS["t07m1"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t07m1", "t07m2", "t07m3", "t07m4")],
      expected_state="vanished", customer_domain="menuiserie-gaillard.example", amount=17300.00, currency="EUR",
      quote_ref="DEV-2026-035", revisit_on=None, language="fr",
      notes="'le projet est abandonné' (2026-03-05): nobody gets the order. Apple Mail, RFC 2047 UTF-8 subject, "
            "'Le … a écrit :' quoting; our polite acknowledgement after it does not reopen the deal.")

# --------------------------------------------------------------------------- t08 vanished (en, budget moved)
AOIFE = ("Aoife Brennan", "aoife.brennan@liffeysidedata.example")
s08 = "Quotation Q-2026-047 – Plant room ventilation upgrade"
t = """Dear Aoife,

Further to your enquiry, please find attached our quotation Q-2026-047 for the plant room ventilation upgrade at your Dublin facility: two EC supply fans in duty/standby, an extract fan with temperature-controlled speed, attenuators and BMS interface.

Total: €9,860.00 excl. VAT.
Lead time: 4 weeks. Validity: 60 days.

Kind regards,

""" + SIG_EN
pdf = quote_pdf("en", "Q-2026-047", "12/03/2026", "Liffeyside Data Ltd, Dublin", "Subject: plant room ventilation upgrade",
                ["2 x EC supply fan duty/standby ......... EUR 4,380.00",
                 "Extract fan, temperature control ....... EUR 2,140.00",
                 "Attenuators, BMS interface ............. EUR 1,990.00",
                 "Installation supervision ............... EUR 1,350.00"],
                ["Total excl. VAT: EUR 9,860.00"])
add("t08m1", "Sent", when("2026-03-12 11:45", 1), CAMILLE, [AOIFE], s08,
    with_files(alt(t, "tb", "t08m1"), [("Quotation_Q-2026-047.pdf", pdf)], "tb", "t08m1"), t, lang="en")

t = """Dear Aoife,

I hope you are well. Have you had a chance to look at our quotation Q-2026-047? Our current lead time still allows an installation before the summer peak.

Kind regards,

""" + SIG_EN + """
On 12/03/2026 11:45, Camille Rouvière wrote:
""" + gt(MSGS["t08m1"]["text"])
add("t08m2", "Sent", when("2026-03-26 10:00", 1), CAMILLE, [AOIFE], "Re: " + s08,
    plain(t), t, parent="t08m1", lang="en")

t = """Hi Camille,

Thanks for following up. Unfortunately we decided not to proceed with the plant room upgrade this year – the budget has been moved elsewhere (the UPS replacement became the priority after last month's audit).

Sorry not to have better news, and thanks for the thorough proposal.

Aoife

Aoife Brennan | Facilities Lead | Liffeyside Data Ltd
+353 20 910 4417

On Thu, 26 Mar 2026 at 09:00, Camille Rouvière <camille.rouviere@ventilaire.example> wrote:
""" + gt(MSGS["t08m2"]["text"])
add("t08m3", "INBOX", when("2026-03-30 12:20", 1), AOIFE, [CAMILLE], "Re: " + s08,
    alt(t, "gmail", "t08m3"), t, parent="t08m2", style="gmail", lang="en", flags="RS")

t = """Hi Aoife,

Thank you for letting me know. Should the project come back next year, I will gladly update the quotation.

Kind regards,

""" + SIG_EN
add("t08m4", "Sent", when("2026-03-30 14:02", 2), CAMILLE, [AOIFE], "Re: " + s08,
    plain(t), t, parent="t08m3", lang="en")

label(id="t08", kind="opportunity", anchor_message_id=MSGS["t08m1"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t08m1", "t08m2", "t08m3", "t08m4")],
      expected_state="vanished", customer_domain="liffeysidedata.example", amount=9860.00, currency="EUR",
      quote_ref="Q-2026-047", revisit_on=None, language="en",
      notes="'we decided not to proceed ... the budget has been moved elsewhere' (2026-03-30): no competitor, "
            "so vanished, not lost.")

# --------------------------------------------------------------------------- t09 vanished (fr, silent + out-of-office)
HELENE = ("Hélène Vasseur", "h.vasseur@blanchisserie-drac.example")
s09 = "Devis DEV-2026-027 – Extraction buées zone repassage"
t = """Bonjour Madame Vasseur,

Comme suite à notre rendez-vous, je vous adresse notre devis DEV-2026-027 pour l'extraction des buées et des calories de la zone de repassage (calandre et 4 postes de finition) : hotte de captage au-dessus de la calandre, extracteur 5 500 m³/h et compensation par air neuf tempéré.

Total HT : 11 920,00 €
Délai : 4 semaines après commande.

Je reste à votre écoute.

Bien cordialement,

""" + SIG_FR
pdf = quote_pdf("fr", "DEV-2026-027", "05/02/2026", "Blanchisserie du Drac", "Objet : extraction buees zone repassage",
                ["Hotte de captage calandre ......................... 3 760,00",
                 "Extracteur 5 500 m3/h .............................. 2 980,00",
                 "Compensation air neuf tempere ...................... 3 480,00",
                 "Pose, mise en service .............................. 1 700,00"],
                ["Total HT : 11 920,00 EUR", "TVA 20 % : 2 384,00 EUR", "Total TTC : 14 304,00 EUR"])
add("t09m1", "Sent", when("2026-02-05 14:30", 1), CAMILLE, [HELENE], s09,
    with_files(plain(t, cte="quoted-printable"), [("Devis_DEV-2026-027.pdf", pdf)], "tb", "t09m1"), t, crlf=True)

t = """Bonjour,

Je suis absente jusqu'au lundi 16 février inclus, sans accès à ma messagerie.
Pour toute urgence, merci de contacter l'accueil au +33 1 99 00 63 80.

Cordialement,
Hélène Vasseur
Directrice – Blanchisserie du Drac
"""
add("t09m2", "INBOX", when("2026-02-05 14:30:41", 1), HELENE, [CAMILLE], "Réponse automatique : " + s09,
    plain(t, style="outlook"), t, parent="t09m1", style="exchange",
    extra=[("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All"),
           ("Precedence", "auto_reply")])

t = """Bonjour Madame Vasseur,

Je me permets de revenir vers vous au sujet de notre devis DEV-2026-027 envoyé le 5 février, à votre retour de congés. Avez-vous eu le temps de le consulter ?

Bien cordialement,

""" + SIG_FR + """
Le 05/02/2026 à 14:30, Camille Rouvière a écrit :
""" + gt(MSGS["t09m1"]["text"])
add("t09m3", "Sent", when("2026-02-19 09:15", 1), CAMILLE, [HELENE], "Re: " + s09,
    plain(t), t, parent="t09m1")

t = """Bonjour Madame Vasseur,

Sans nouvelles de votre part, je me permets une dernière relance concernant le devis DEV-2026-027. Si le projet n'est plus d'actualité, un simple mot de votre part me suffira.

Bien cordialement,

""" + SIG_FR + """
Le 19/02/2026 à 09:15, Camille Rouvière a écrit :
""" + gt(MSGS["t09m3"]["text"])
add("t09m4", "Sent", when("2026-03-10 10:20", 1), CAMILLE, [HELENE], "Re: " + s09,
    plain(t), t, parent="t09m3")

label(id="t09", kind="opportunity", anchor_message_id=MSGS["t09m1"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t09m1", "t09m2", "t09m3", "t09m4")],
      auto_reply_ids=[MSGS["t09m2"]["mid"]],
      expected_state="vanished", customer_domain="blanchisserie-drac.example", amount=11920.00, currency="EUR",
      quote_ref="DEV-2026-027", revisit_on=None, language="fr",
      notes="Quote, an out-of-office auto-reply (Auto-Submitted: auto-replied; does not count as an answer), "
            "two reminders, then silence: last message 2026-03-10, 83 days before as_of (dry-up rule).")

# --------------------------------------------------------------------------- t10 on_hold (fr, September)
FRANCOIS = ("François Delaye", "f.delaye@conserverie-berard.example")
s10 = "Devis DEV-2026-040 – Remplacement CTA atelier de cuisson"
t = """Bonjour Monsieur Delaye,

Vous trouverez ci-joint notre devis DEV-2026-040 pour le remplacement de la centrale de traitement d'air de l'atelier de cuisson :
- CTA double flux 14 000 m³/h, échangeur rotatif, batterie eau chaude, construction hygiénique ;
- reprise des gaines existantes et 4 nouveaux diffuseurs inox ;
- dépose et évacuation de l'ancienne centrale, grutage compris ;
- régulation et raccordement à votre supervision.

Montant : 46 200,00 € HT (55 440,00 € TTC).
Délai de fabrication : 8 semaines. Validité : 3 mois.

Julien Ferrand, en copie, reste votre interlocuteur pour les questions techniques.

Bien cordialement,

""" + SIG_FR
pdf = quote_pdf("fr", "DEV-2026-040", "08/04/2026", "Conserverie Berard", "Objet : remplacement CTA atelier de cuisson",
                ["CTA double flux 14 000 m3/h hygienique .......... 31 600,00",
                 "Gaines, 4 diffuseurs inox .......................... 5 900,00",
                 "Depose, grutage .................................... 4 300,00",
                 "Regulation, supervision ............................ 4 400,00"],
                ["Total HT : 46 200,00 EUR", "TVA 20 % : 9 240,00 EUR", "Total TTC : 55 440,00 EUR"])
add("t10m1", "Sent", when("2026-04-08 10:30", 2), CAMILLE, [FRANCOIS], s10,
    with_files(alt(t, "tb", "t10m1"), [("Devis_DEV-2026-040.pdf", pdf)], "tb", "t10m1"), t, cc=[JULIEN])

t = """Bonjour Camille,

Merci pour le devis, il est très complet.
En revanche on ne pourra rien lancer avant la fin de la saison : l'atelier tourne à plein jusqu'à fin août avec les fruits, et la direction ne veut pas engager l'investissement avant la rentrée.
Revenez vers moi en septembre, on en reparlera à ce moment-là, idéalement avec une visite pour revoir l'implantation de la nouvelle centrale.

Bonne journée,
François Delaye
Responsable maintenance – Conserverie Bérard
26100 Romans-sur-Isère · +33 1 99 00 35 92

Le mer. 8 avr. 2026 à 10:30, Camille Rouvière <camille.rouviere@ventilaire.example> a écrit :
""" + gt(MSGS["t10m1"]["text"])
add("t10m2", "INBOX", when("2026-04-22 17:05", 2), FRANCOIS, [CAMILLE], "Re: " + s10,
    alt(t, "gmail", "t10m2"), t, cc=[JULIEN], parent="t10m1", style="gmail", flags="RS")

t = """Bonjour François,

C'est noté, je vous recontacte début septembre pour organiser la visite. Je vous enverrai à ce moment-là une offre actualisée.
Bonne saison !

""" + SIG_FR + """
Le 22/04/2026 à 17:05, François Delaye a écrit :
""" + gt(MSGS["t10m2"]["text"].split("Le mer. 8 avr.")[0])
add("t10m3", "Sent", when("2026-04-23 08:40", 2), CAMILLE, [FRANCOIS], "Re: " + s10,
    plain(t), t, cc=[JULIEN], parent="t10m2")

label(id="t10", kind="opportunity", anchor_message_id=MSGS["t10m1"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t10m1", "t10m2", "t10m3")],
      expected_state="on_hold", customer_domain="conserverie-berard.example", amount=46200.00, currency="EUR",
      quote_ref="DEV-2026-040", revisit_on="2026-09-01", language="fr",
      notes="'Revenez vers moi en septembre' (2026-04-22): paused, revisit 2026-09-01. HT and TTC both given.")

# --------------------------------------------------------------------------- t11 on_hold (en, 15 July)
OWEN = ("Owen Hartley", "owen@mapleandfinch.example")
s11 = "Quote Q-2026-055 – Roaster exhaust & afterburner ducting"
t = """Hi Owen,

Thanks for showing me around the roastery on Friday. Attached is our quote Q-2026-055 for the exhaust of the second roaster: insulated stainless ducting from the roaster to the catalytic afterburner, a chaff cyclone, the roof crossing and the stack.

Total: 19,380.00 EUR (net, VAT excluded).
We would need about 6 weeks from order, including the roof works.

Best regards,

""" + SIG_EN
pdf = quote_pdf("en", "Q-2026-055", "28/04/2026", "Maple & Finch Coffee Roasters, Lyon", "Subject: roaster exhaust and afterburner ducting",
                ["Insulated stainless ducting ............ EUR 7,260.00",
                 "Chaff cyclone .......................... EUR 3,480.00",
                 "Roof crossing and stack ................ EUR 5,140.00",
                 "Installation, tests .................... EUR 3,500.00"],
                ["Total excl. VAT: EUR 19,380.00"])
add("t11m1", "Sent", when("2026-04-28 14:00", 2), CAMILLE, [OWEN], s11,
    with_files(plain(t), [("Q-2026-055_Maple-Finch.pdf", pdf)], "tb", "t11m1"), t, lang="en")

t = """Hi Camille,

Thanks for the detailed quote, it's exactly what we discussed.
The catch: our landlord still hasn't signed off on the roof penetration, and I'm in Toronto for the next few weeks sorting out the second location. I can't commit right now.

Let's revisit after 15 July – by then we should have the lease amendment signed. Feel free to ping me then.

Cheers,
Owen

Owen Hartley
Co-founder, Maple & Finch Coffee Roasters

On Tue, Apr 28, 2026 at 8:00 AM Camille Rouvière <camille.rouviere@ventilaire.example> wrote:
""" + gt(MSGS["t11m1"]["text"])
add("t11m2", "INBOX", when("2026-05-06 21:12", -4), OWEN, [CAMILLE], "Re: " + s11,
    alt(t, "gmail", "t11m2"), t, parent="t11m1", style="gmail", lang="en", flags="RS")

t = """Hi Owen,

No problem, I have made a note to get back to you after 15 July. We will hold the prices of Q-2026-055 until the end of July.
Good luck with the Toronto opening!

Best regards,

""" + SIG_EN
add("t11m3", "Sent", when("2026-05-07 09:30", 2), CAMILLE, [OWEN], "Re: " + s11,
    plain(t), t, parent="t11m2", lang="en")

label(id="t11", kind="opportunity", anchor_message_id=MSGS["t11m1"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t11m1", "t11m2", "t11m3")],
      expected_state="on_hold", customer_domain="mapleandfinch.example", amount=19380.00, currency="EUR",
      quote_ref="Q-2026-055", revisit_on="2026-07-15", language="en",
      notes="\"Let's revisit after 15 July\" (2026-05-06, sent from Toronto, -0400): paused, revisit 2026-07-15.")

# --------------------------------------------------------------------------- t12 open (fr, recent quote + technical question)
SEBASTIEN = ("Sébastien Vial", "sebastien.vial@traiteur-vial.example")
t = """Bonjour,

Nous refaisons la cuisine de production (traiteur, environ 1 500 repas/jour). Il faudrait remplacer la hotte centrale au-dessus des marmites et des sauteuses, et surtout avoir une vraie compensation : l'hiver on ouvre les portes pour que ça tire.
Pouvez-vous passer voir ? Nous sommes fermés le mercredi après-midi.

Sébastien Vial
Traiteur Vial & Fils – 38340 Voreppe
+33 1 99 00 84 16
"""
add("t12m0", "INBOX", when("2026-05-04 18:10", 2), SEBASTIEN, [CAMILLE], "Hotte cuisine de production",
    plain(t, style="roundcube"), t, style="roundcube", flags="RS")

t = """Bonjour Monsieur Vial,

Merci pour votre message. Je vous propose de passer jeudi 7 mai à 14 h avec Julien Ferrand, notre technicien, pour relever les dimensions et les débits.

Bien cordialement,

""" + SIG_FR + """
Le 04/05/2026 à 18:10, Sébastien Vial a écrit :
""" + gt(MSGS["t12m0"]["text"])
add("t12m1", "Sent", when("2026-05-05 08:30", 2), CAMILLE, [SEBASTIEN], "Re: Hotte cuisine de production",
    plain(t), t, cc=[JULIEN], parent="t12m0")

s12 = "Devis DEV-2026-052 – Hotte et air de compensation, cuisine de production"
t = """Bonjour Monsieur Vial,

Suite à notre visite du 7 mai, voici notre devis DEV-2026-052 :
- hotte centrale îlot 6,0 x 2,2 m en inox 304, filtres à chocs, éclairage LED étanche ;
- tourelle d'extraction 9 800 m³/h, variateur ;
- caisson de compensation 8 500 m³/h avec batterie de chauffe, soufflage basse vitesse ;
- asservissement extraction / compensation.

Total : 27 480,00 € HT.
Délai : 6 semaines ; la pose se fait sur 4 jours, cuisine à l'arrêt.

Bien cordialement,

""" + SIG_FR
pdf = quote_pdf("fr", "DEV-2026-052", "18/05/2026", "Traiteur Vial & Fils", "Objet : hotte et air de compensation",
                ["Hotte ilot 6,0 x 2,2 m inox, filtres a chocs .... 11 240,00",
                 "Tourelle 9 800 m3/h + variateur ................... 4 860,00",
                 "Caisson compensation 8 500 m3/h chauffe ........... 7 580,00",
                 "Asservissement, pose, mise en service ............. 3 800,00"],
                ["Total HT : 27 480,00 EUR", "TVA 20 % : 5 496,00 EUR", "Total TTC : 32 976,00 EUR"])
add("t12m2", "Sent", when("2026-05-18 11:20", 2), CAMILLE, [SEBASTIEN], s12,
    with_files(alt(t, "tb", "t12m2"), [("Devis_DEV-2026-052.pdf", pdf)], "tb", "t12m2"), t, cc=[JULIEN])

t = """Bonjour Camille,

Deux questions avant que je valide avec mon père :
1) Quel niveau sonore en cuisine avec la compensation à pleine vitesse ? Avec l'ancienne installation le personnel se plaignait beaucoup du bruit.
2) Les filtres à chocs passent-ils dans notre lave-vaisselle à avancement (tunnel) ou faut-il les tremper ?

Et pouvez-vous intervenir pendant notre fermeture, du 3 au 21 août ?

Merci,
Sébastien Vial

Le 18/05/2026 à 11:20, Camille Rouvière a écrit :
""" + gt(MSGS["t12m2"]["text"])
add("t12m3", "INBOX", when("2026-05-26 19:48", 2), SEBASTIEN, [CAMILLE], "Re: " + s12,
    plain(t, style="roundcube"), t, parent="t12m2", style="roundcube", crlf=True)

label(id="t12", kind="opportunity", anchor_message_id=MSGS["t12m2"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t12m0", "t12m1", "t12m2", "t12m3")],
      expected_state="open", customer_domain="traiteur-vial.example", amount=27480.00, currency="EUR",
      quote_ref="DEV-2026-052", revisit_on=None, language="fr",
      notes="Request, visit, quote on 2026-05-18 (14 days before as_of), customer's technical questions "
            "(noise, filters, August install) on 2026-05-26 still unanswered: open, ball in our court.")

# --------------------------------------------------------------------------- t13 open (fr, inbound RFQ, not answered)
PATRICK = ("Patrick Peyrot", "p.peyrot@garage-peyrot-pl.example")
s13 = "Demande de devis - extraction gaz d'échappement atelier PL"
t = """Bonjour,

Vos coordonnées nous ont été données par la carrosserie Bellin.
Pourriez-vous nous faire un devis pour l'extraction des gaz d'échappement de notre atelier poids lourds ?
- 4 fosses de 18 m, un enrouleur de tuyau par fosse (diamètre 150 mm, embouts pour échappements verticaux) ;
- atelier de 1 200 m², 7 m sous plafond ;
- idéalement un rail coulissant sur la fosse 1 pour les bus.

Nous aimerions que ce soit installé avant l'hiver. Je suis joignable tous les jours sauf le samedi.

Cordialement,

Patrick Peyrot
Chef d'atelier
Garage Peyrot Poids Lourds – ZI de Moirans – 38430 Moirans
Tél. +33 1 99 00 26 73 – Port. +33 6 39 98 61 05
"""
add("t13m1", "INBOX", when("2026-05-27 08:42", 2), PATRICK, [CAMILLE], s13,
    plain(t, style="outlook", charset="utf-8"), t, style="outlook", flags="")

t = """Re-bonjour,

J'oubliais : ci-joint le plan de l'atelier avec l'emplacement des fosses.

Patrick Peyrot
Garage Peyrot Poids Lourds
"""
plan = make_pdf(["Garage Peyrot Poids Lourds - plan atelier (echelle 1/200)", "Fosses 1 a 4 : 18 m x 1,1 m",
                 "Hauteur sous plafond : 7 m", "Surface : 1 200 m2"])
add("t13m2", "INBOX", when("2026-05-27 08:51", 2), PATRICK, [CAMILLE], "RE: " + s13,
    with_files(plain(t, style="outlook"), [("plan_atelier_Moirans.pdf", plan)], "outlook", "t13m2"),
    t, parent="t13m1", style="outlook", flags="")

label(id="t13", kind="opportunity", anchor_message_id=MSGS["t13m1"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t13m1", "t13m2")],
      expected_state="open", customer_domain="garage-peyrot-pl.example", amount=None, currency=None,
      quote_ref=None, revisit_on=None, language="fr",
      notes="Inbound request for a quote ('Pourriez-vous nous faire un devis pour ...') on 2026-05-27, plus a "
            "follow-up with the workshop plan; no quote sent yet (messages still unread, flags ':2,').")

# --------------------------------------------------------------------------- t14 open (de, delivery time question)
JUERGEN = ("Jürgen Ketterer", "j.ketterer@ketterer-metallbau.example")
s14 = "Angebot ANG-2218 – Schweißrauchabsaugung Halle 2"
t = """Sehr geehrter Herr Ketterer,

anbei unser Angebot ANG-2218 für die Schweißrauchabsaugung in Halle 2:
- 6 Absaugarme (4 m) an den Schweißplätzen;
- zentrales Filtergerät mit Patronenfiltern und automatischer Abreinigung, Rückführung der gefilterten Luft in die Halle;
- Rohrnetz, Montage und Inbetriebnahme.

Angebotssumme: 23.870,00 € netto zzgl. MwSt.
Gültigkeit: 6 Wochen.

Mit freundlichen Grüßen

""" + SIG_DE
pdf = quote_pdf("de", "ANG-2218", "12.05.2026", "Metallbau Ketterer GmbH, Kempten", "Betreff: Schweissrauchabsaugung Halle 2",
                ["6 Absaugarme 4 m ............................ 5.940,00",
                 "Filtergeraet Patronen, Abreinigung .......... 11.630,00",
                 "Rohrnetz, Montage, Inbetriebnahme ............ 6.300,00"],
                ["Gesamtsumme netto: 23.870,00 EUR", "MwSt. 19 %: 4.535,30 EUR", "Gesamtsumme brutto: 28.405,30 EUR"])
add("t14m1", "Sent", when("2026-05-12 10:00", 2), CAMILLE, [JUERGEN], s14,
    with_files(plain(t, cte="quoted-printable"), [("Angebot_ANG-2218.pdf", pdf)], "tb", "t14m1"), t, lang="de")

t = """Guten Tag Frau Rouvière,

danke für das Angebot. Eine Frage noch, bevor wir entscheiden: Wie lange ist die Lieferzeit für das Filtergerät?
Wir haben Betriebsurlaub in KW 32 und 33 – wäre die Montage in diesem Zeitraum möglich?

Mit freundlichen Grüßen
Jürgen Ketterer

Metallbau Ketterer GmbH
Gewerbestraße 5 · 87437 Kempten (Allgäu)
Tel. +49 30 23125 390

Am 12.05.2026 um 10:00 schrieb Camille Rouvière <camille.rouviere@ventilaire.example>:
""" + gt(MSGS["t14m1"]["text"])
add("t14m2", "INBOX", when("2026-05-21 15:33", 2), JUERGEN, [CAMILLE], "AW: " + s14,
    plain(t, style="tb", cte="quoted-printable"), t, parent="t14m1", style="tb", lang="de")

label(id="t14", kind="opportunity", anchor_message_id=MSGS["t14m1"]["mid"],
      message_ids=[MSGS[k]["mid"] for k in ("t14m1", "t14m2")],
      expected_state="open", customer_domain="ketterer-metallbau.example", amount=23870.00, currency="EUR",
      quote_ref="ANG-2218", revisit_on=None, language="de",
      notes="Quote 2026-05-12, customer asks about the delivery time ('Wie lange ist die Lieferzeit?') on "
            "2026-05-21; no answer yet, 11 days before as_of: open.")

# =========================================================================== DISTRACTORS

# --------------------------------------------------------------------------- d01 supplier newsletter (2 issues)
NEWS = ("AéroDistrib", "news@info.aerodistrib.example")
for key, date, subj, body in [
    ("d01a", when("2026-02-24 06:00", 0), "Nouveautés février : caissons EC et devis en 24 h",
     """AéroDistrib – la lettre des installateurs – février 2026

Nouveaux caissons d'extraction EC 1 000 à 6 000 m³/h
Prix public à partir de 1 180,00 € HT, remise installateur selon votre grille.

Votre devis en 24 h
Envoyez-nous vos métrés : notre bureau d'études vous retourne une offre chiffrée le lendemain.

Offre du mois : -10 % sur les grilles de reprise alu (code GR-10, jusqu'au 31/03/2026).

AéroDistrib SAS – 210 avenue des Industries – 69000 Lyon
Vous recevez ce message car vous êtes client AéroDistrib. Se désinscrire : https://info.aerodistrib.example/u/7f3a
"""),
    ("d01b", when("2026-04-07 05:00", 0), "Offres de printemps : -15 % sur les gaines spiralées, devis gratuit",
     """AéroDistrib – la lettre des installateurs – avril 2026

Offres de printemps
- Gaine spiralée galva Ø 125 à Ø 630 : -15 %, à partir de 6,90 € HT le mètre
- Clapets coupe-feu : prix nets à partir de 214,00 € HT
- Kit d'accessoires offert dès 2 500 € HT de commande

Demandez votre devis gratuit sur notre site ou auprès de votre technico-commercial.
Offre valable jusqu'au 30/04/2026, dans la limite des stocks.

AéroDistrib SAS – 210 avenue des Industries – 69000 Lyon
Vous recevez ce message car vous êtes client AéroDistrib. Se désinscrire : https://info.aerodistrib.example/u/7f3a
"""),
]:
    add(key, "INBOX", date, NEWS, [CAMILLE], subj, alt(body, "bulk", key), body, style="bulk",
        extra=[("List-Unsubscribe", "<https://info.aerodistrib.example/u/7f3a>, <mailto:unsubscribe@info.aerodistrib.example?subject=7f3a>"),
               ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
               ("List-Id", "AeroDistrib installateurs <installateurs.info.aerodistrib.example>"),
               ("Precedence", "bulk"), ("X-Mailer", "MailPilot 4.2")],
        crlf=(key == "d01b"))
label(id="d01", kind="distractor", message_ids=[MSGS["d01a"]["mid"], MSGS["d01b"]["mid"]],
      notes="Supplier newsletter (List-Unsubscribe, Precedence: bulk) full of 'devis', 'offre', prices; "
            "must not become an opportunity.")

# --------------------------------------------------------------------------- d02 supplier quote we receive
CORINNE = ("Corinne Baud", "c.baud@techniflux.example")
t = """Bonjour Corinne,

Pouvez-vous me faire une offre de prix pour :
- 2 ventilateurs centrifuges haute température, 4 500 m³/h à 600 Pa, moteur IE3 ;
- 2 manchettes souples et 2 jeux de plots antivibratiles ?
Livraison à notre dépôt de Grenoble.

Merci d'avance,

""" + SIG_FR
add("d02a", "Sent", when("2026-04-14 09:40", 2), CAMILLE, [CORINNE], "Demande de prix ventilateurs centrifuges HT",
    plain(t), t)

t = """Bonjour Camille,

Suite à votre demande, veuillez trouver ci-joint notre offre OF-88412.
2 ventilateurs centrifuges HT 4 500 m³/h, manchettes et plots : total 3 912,40 € HT, franco votre dépôt.
Délai : 3 semaines. Offre valable 30 jours.

Cordialement,
Corinne Baud
Technico-commerciale – Techni-Flux Distribution
Tél. +33 1 99 00 17 44
"""
offer = make_pdf(["TECHNI-FLUX DISTRIBUTION - OFFRE DE PRIX OF-88412", "Client : Ventilaire SARL, Grenoble",
                  "2 ventilateurs centrifuges HT 4 500 m3/h ..... 3 420,00",
                  "2 manchettes + 2 jeux de plots ................. 492,40",
                  "Total HT : 3 912,40 EUR - franco"])
add("d02b", "INBOX", when("2026-04-15 16:22", 2), CORINNE, [CAMILLE], "RE: Demande de prix ventilateurs centrifuges HT",
    with_files(alt(t, "outlook", "d02b"), [("Offre_OF-88412.pdf", offer)], "outlook", "d02b"),
    t, parent="d02a", style="outlook")
label(id="d02", kind="distractor", message_ids=[MSGS["d02a"]["mid"], MSGS["d02b"]["mid"]],
      notes="We are the buyer: our request for prices to a supplier and the supplier's offer OF-88412 "
            "(3 912,40 € HT). Must not become an opportunity.")

# --------------------------------------------------------------------------- d03 internal mail between colleagues
t = """Salut Camille, salut Sandrine,

Point planning poses mai-juin :
- Fromagerie du Beaufortain (DEV-2026-031) : réception faite le 16/03, reste à lever la réserve sur la trappe de visite n° 3.
- Hollmann (ANG-2210) : montage fait en KW 18, PV de réception signé. Sandrine, tu peux facturer le solde.
- Harlow (Q-2026-044 / PO 4500-7781) : mise en service OK le 23/04.
- Vial (DEV-2026-052) : si ça se signe, il faudra réserver l'équipe pour août, prévenez-moi vite.

Julien
"""
add("d03a", "INBOX", when("2026-05-04 17:45", 2), JULIEN, [CAMILLE, SANDRINE], "Planning poses mai-juin",
    plain(t), t, received=False)
t = """Merci Julien.
Facture de solde Hollmann partie ce matin. Harlow a réglé la totalité le 30/04.

Sandrine

Sandrine Maurel
Administration des ventes – Ventilaire SARL
Tél. +33 1 99 00 41 20

Le 04/05/2026 à 17:45, Julien Ferrand a écrit :
""" + gt(MSGS["d03a"]["text"])
add("d03b", "INBOX", when("2026-05-05 08:20", 2), SANDRINE, [JULIEN, CAMILLE], "Re: Planning poses mai-juin",
    plain(t), t, parent="d03a", received=False)
label(id="d03", kind="distractor", message_ids=[MSGS["d03a"]["mid"], MSGS["d03b"]["mid"]],
      notes="Internal mail between colleagues (same domain) naming customers and quote refs DEV-2026-031, "
            "ANG-2210, Q-2026-044, DEV-2026-052; must not create an opportunity nor be merged into one, "
            "and does not count as a customer answer.")

# --------------------------------------------------------------------------- d04 professional-network notifications
RP = ("RéseauPro", "notifications@mail.reseaupro.example")
for key, date, subj, body in [
    ("d04a", when("2026-05-19 06:30", 0), "Camille, 4 personnes ont consulté votre profil",
     """RéseauPro

Camille, votre profil attire l'attention !
4 personnes ont consulté votre profil cette semaine, dont un acheteur de l'industrie agroalimentaire.

Voir qui a consulté votre profil : https://www.reseaupro.example/me/views

Offres d'emploi pour vous : Chargé d'affaires CVC (H/F) – Lyon ; Technico-commercial ventilation – Annecy.

Vous recevez cet e-mail car vous êtes membre de RéseauPro. Gérer vos notifications : https://www.reseaupro.example/settings/email
"""),
    ("d04b", when("2026-05-26 06:31", 0), "Nouveau message de Lucas Perrin : « Demande de devis ? »",
     """RéseauPro

Lucas Perrin vous a envoyé un message :
« Bonjour Camille, je développe une solution de prospection automatisée pour les installateurs… »

Répondre sur RéseauPro : https://www.reseaupro.example/messaging/t/88120

Vous recevez cet e-mail car vous êtes membre de RéseauPro. Gérer vos notifications : https://www.reseaupro.example/settings/email
"""),
]:
    add(key, "INBOX", date, RP, [CAMILLE], subj, alt(body, "bulk", key), body, style="bulk",
        extra=[("List-Unsubscribe", "<https://www.reseaupro.example/settings/email/unsub?k=%s>" % h(key)[:12]),
               ("Auto-Submitted", "auto-generated"), ("X-RP-Notification-Type", "profile_views" if key == "d04a" else "message")])
label(id="d04", kind="distractor", message_ids=[MSGS["d04a"]["mid"], MSGS["d04b"]["mid"]],
      notes="Professional-network notifications (one even says 'Demande de devis ?'); auto-generated, "
            "must not become opportunities.")

# --------------------------------------------------------------------------- d05 spam
SPAM = ("Eco Rénov Primes", "offres@eco-renov-primes.example")
t = """Madame, Monsieur,

DERNIERS JOURS : votre DEVIS GRATUIT pour l'installation de panneaux solaires et d'une pompe à chaleur !
0 € d'avance, jusqu'à 90 % financés par les aides de l'État.

>> Recevez votre devis gratuit en 2 minutes : http://eco-renov-primes.example/devis?id=CR5512

Offre réservée aux 50 premiers demandeurs.
Pour ne plus recevoir nos offres, répondez STOP.
"""
add("d05a", "INBOX", when("2026-05-08 03:12", 3), SPAM, [CAMILLE], "Votre devis gratuit : 0 € d'avance !!",
    alt(t, "bulk", "d05a"), t, style="bulk",
    extra=[("X-Spam-Flag", "YES"), ("X-Spam-Score", "7.9"), ("Reply-To", "noreply@eco-renov-primes.example")])
label(id="d05", kind="distractor", message_ids=[MSGS["d05a"]["mid"]],
      notes="Spam offering a 'devis gratuit' (X-Spam-Flag: YES); must not become an opportunity.")


# =========================================================================== WRITE

def write_all():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    names = {}
    keys = sorted(ORDER, key=lambda k: (MSGS[k]["date"].astimezone(_dt.timezone.utc), k))
    for i, k in enumerate(keys):
        m = MSGS[k]
        d = os.path.join(OUT, m["folder"], "cur")
        os.makedirs(d, exist_ok=True)
        ts = int(m["date"].timestamp()) + (2 if m["folder"] == "INBOX" else 0)
        name = "%d.M%dP%d.demo,S=%d:2,%s" % (ts, 100001 + i, 4100 + i, len(m["data"]), m["flags"])
        with open(os.path.join(d, name), "wb") as f:
            f.write(m["data"])
        names[k] = os.path.join(m["folder"], "cur", name)
    labels = {"as_of": AS_OF, "own_addresses": [CAMILLE[1]], "own_domains": [OWN_DOMAIN], "threads": LABELS}
    with open(os.path.join(OUT, "labels.json"), "w", encoding="utf-8") as f:
        json.dump(labels, f, ensure_ascii=False, indent=2)
        f.write("\n")
    write_readme()
    return names


WHY = {
    "t01": "signed quote returned with « bon pour accord »",
    "t02": "\"Please go ahead\" + PO 4500-7781",
    "t03": "\"hiermit bestellen wir gemäß Ihrem Angebot ANG-2210\"",
    "t04": "\"nous avons cependant retenu un autre prestataire\"",
    "t05": "\"we've awarded the contract to another supplier\"",
    "t06": "\"Leider haben wir uns für einen anderen Anbieter entschieden\" (no threading headers)",
    "t07": "\"le projet est abandonné\"",
    "t08": "\"decided not to proceed … budget moved elsewhere\"",
    "t09": "quote + out-of-office + 2 reminders, silent since 2026-03-10",
    "t10": "\"Revenez vers moi en septembre\"",
    "t11": "\"Let's revisit after 15 July\"",
    "t12": "quote 2026-05-18, customer's technical questions unanswered",
    "t13": "inbound request for a quote, not answered yet",
    "t14": "question about delivery time (2026-05-21), unanswered",
}
CUST = {
    "t01": "Fromagerie du Beaufortain", "t02": "Harlow Precision Components Ltd", "t03": "Bäckerei Hollmann GmbH",
    "t04": "Imprimerie Lacroix-Dumas", "t05": "Northgate Brewing Co.", "t06": "Brenner Kunststofftechnik GmbH",
    "t07": "Menuiserie Gaillard & Fils", "t08": "Liffeyside Data Ltd", "t09": "Blanchisserie du Drac",
    "t10": "Conserverie Bérard", "t11": "Maple & Finch Coffee Roasters", "t12": "Traiteur Vial & Fils",
    "t13": "Garage Peyrot Poids Lourds", "t14": "Metallbau Ketterer GmbH",
}


def fmt_amount(t):
    if t.get("amount") is None:
        return "–"
    return "%s %s" % ("{:,.2f}".format(t["amount"]), t["currency"])


def write_readme():
    n_in = sum(1 for k in ORDER if MSGS[k]["folder"] == "INBOX")
    n_out = len(ORDER) - n_in
    rows = []
    for t in LABELS:
        if t["kind"] != "opportunity":
            continue
        state = t["expected_state"] + (" (revisit %s)" % t["revisit_on"] if t.get("revisit_on") else "")
        rows.append("| %s | %s | %s | %s | %s | %s | %d | %s |" % (
            t["id"], t["language"], CUST[t["id"]], t["quote_ref"] or "–", fmt_amount(t), state,
            len(t["message_ids"]), WHY[t["id"]]))
    drows = ["| %s | %d | %s |" % (t["id"], len(t["message_ids"]), t["notes"]) for t in LABELS if t["kind"] == "distractor"]
    text = """# Sample mailbox

`samples/mailbox/` is a small, entirely fictional sales mailbox. `dealwatch demo` scans it into a
temporary database and prints the pipeline, and the test suite uses it as a fixture.

**Do not edit the files by hand.** They are generated by `samples/make_sample.py`
(Python 3, standard library only, deterministic):

```sh
python3 samples/make_sample.py   # rewrites samples/mailbox/ and this README, then validates them
```

## The owner

**Camille Rouvière** (`camille.rouviere@ventilaire.example`), *chargée d'affaires* at
**Ventilaire SARL**, a 25-person industrial-ventilation installer in Grenoble, France
(`ventilaire.example`): extraction, air handling units, dust and fume extraction for workshops,
food plants and commercial kitchens. She quotes in French, English and German.
Her colleagues, who appear in Cc and in internal mail, are Julien Ferrand (site technician) and
Sandrine Maurel (sales administration). Every company, person, domain (`.example`), phone number
(drama ranges) and IP address (documentation ranges) is invented.

- `as_of`: **2026-06-01T08:00:00Z**; messages are dated 2026-02-05 … 2026-05-27.
- Maildir, fs layout: `mailbox/INBOX/cur/` (%d messages received) and `mailbox/Sent/cur/`
  (%d messages sent). There are deliberately **no `new/` or `tmp/` folders**: the reader must
  tolerate their absence.
- File names are Dovecot-style: `<unix time>.M<n>P<pid>.demo,S=<bytes>:2,<flags>`; the two
  unanswered requests of t13 are unread (`:2,`).
- `mailbox/labels.json`: the expected result, in the labeled-corpus format (`kind`,
  `anchor_message_id`, `message_ids`, `expected_state`, `amount`, `currency`, `quote_ref`,
  `revisit_on`, ...).

## Opportunities

| id | lang | customer | quote ref | amount (excl. tax) | expected state | msgs | why |
|----|------|----------|-----------|--------------------|----------------|------|-----|
%s

## Distractors (must not become opportunities)

| id | msgs | what |
|----|------|------|
%s

## What the messages exercise

- Quotes as `multipart/mixed` with a `text/plain` body (or `multipart/alternative` text + HTML) and a
  small base64 PDF (`Devis_DEV-2026-031.pdf`, `Angebot_ANG-2210.pdf`, `Q-2026-044_Ventilaire.pdf`, ...);
  each PDF is a tiny uncompressed PDF whose content stream shows the total
  (`BT ... (Total HT : 8 450,00 EUR) Tj ... ET`).
- Amounts spelled `8 450,00 € HT`, `EUR 12,300.00 excl. VAT`, `14.980,00 EUR netto`, `$6,750`,
  `€9,860.00 excl. VAT`, `19,380.00 EUR (net, VAT excluded)`, `23.870,00 € netto`; some quotes give HT and TTC / netto and brutto.
- Quote references `DEV-2026-0NN`, `Q-2026-0NN`, `ANG-22NN`.
- Replies with `In-Reply-To`/`References` and quoted history: `> ` lines, `Le … a écrit :`,
  `On … wrote:`, `Am … schrieb …:`, Outlook blocks (`De : / Envoyé : / À : / Objet :`,
  `From: / Sent: / To: / Subject:`, `-----Ursprüngliche Nachricht----- / Von: / Gesendet:`).
- t06's final answer has **no** `In-Reply-To`/`References`, only an `AW:` subject and the quote reference.
- Encodings: UTF-8 8bit and quoted-printable, one ISO-8859-1 quoted-printable body (t04), RFC 2047
  subjects and display names (UTF-8 and ISO-8859-1), base64 attachments.
- An out-of-office auto-reply (`Auto-Submitted: auto-replied`) inside t09 (listed in `auto_reply_ids`).
- Colleagues of the same domain in Cc; signatures with phone numbers and a legal footer.
- Time zones +0100, +0200, +0000, -0400, -0500, +0300; LF line endings except %d files in CRLF.
""" % (n_in, n_out, "\n".join(rows), "\n".join(drows),
       sum(1 for k in ORDER if b"\r\n" in MSGS[k]["data"]))
    with open(README, "w", encoding="utf-8") as f:
        f.write(text)


# =========================================================================== VALIDATE

def validate(names):
    errors = []
    by_mid = {}
    for sub in ("INBOX", "Sent"):
        d = os.path.join(OUT, sub)
        if sorted(os.listdir(d)) != ["cur"]:
            errors.append("%s must contain only cur/" % d)
    lo = _dt.datetime(2026, 2, 1, tzinfo=_dt.timezone.utc)
    hi = _dt.datetime(2026, 5, 31, tzinfo=_dt.timezone.utc)
    for k, rel in names.items():
        path = os.path.join(OUT, rel)
        with open(path, "rb") as f:
            data = f.read()
        size = int(rel.split(",S=")[1].split(":")[0])
        if size != len(data):
            errors.append("%s: S=%d but %d bytes" % (rel, size, len(data)))
        msg = email.message_from_bytes(data, policy=email.policy.default)
        for hd in ("Message-ID", "Date", "From", "To", "Subject"):
            if msg[hd] is None:
                errors.append("%s: missing %s" % (rel, hd))
        if msg.defects:
            errors.append("%s: defects %r" % (rel, msg.defects))
        d = parsedate_to_datetime(str(msg["Date"]))
        if d.tzinfo is None or not (lo <= d <= hi):
            errors.append("%s: bad date %s" % (rel, msg["Date"]))
        mid = str(msg["Message-ID"]).strip()
        if mid in by_mid:
            errors.append("duplicate Message-ID %s" % mid)
        by_mid[mid] = (k, msg, d)
        frm = msg["From"].addresses[0].addr_spec
        if (rel.startswith("Sent/")) != (frm == CAMILLE[1]):
            errors.append("%s: folder does not match sender %s" % (rel, frm))
        for part in msg.walk():
            if part.is_multipart():
                continue
            if part.get_content_maintype() == "text":
                part.get_content()  # decodes charset / CTE, raises on error
            elif part.get_content_type() == "application/pdf":
                pdfdata = part.get_content()
                if not (pdfdata.startswith(b"%PDF-1.4") and pdfdata.rstrip().endswith(b"%%EOF")):
                    errors.append("%s: bad PDF %s" % (rel, part.get_filename()))
                # xref offsets must point at the objects
                xref_at = int(pdfdata.rsplit(b"startxref", 1)[1].split()[0])
                if not pdfdata[xref_at:].startswith(b"xref"):
                    errors.append("%s: bad startxref" % rel)
        irt = msg["In-Reply-To"]
        if irt and str(irt).strip() not in {MSGS[x]["mid"] for x in ORDER}:
            errors.append("%s: In-Reply-To points nowhere" % rel)
    with open(os.path.join(OUT, "labels.json"), encoding="utf-8") as f:
        labels = json.load(f)
    seen = set()
    states = {}
    for t in labels["threads"]:
        for mid in t["message_ids"] + [t.get("anchor_message_id")] * (t["kind"] == "opportunity"):
            if mid not in by_mid:
                errors.append("%s: unknown Message-ID %s" % (t["id"], mid))
        for mid in t["message_ids"]:
            if mid in seen:
                errors.append("%s: Message-ID in two threads %s" % (t["id"], mid))
            seen.add(mid)
        dates = [by_mid[m][2] for m in t["message_ids"] if m in by_mid]
        if dates != sorted(dates):
            errors.append("%s: message_ids not chronological" % t["id"])
        if t["kind"] == "opportunity":
            states[t["expected_state"]] = states.get(t["expected_state"], 0) + 1
            if t["anchor_message_id"] not in t["message_ids"]:
                errors.append("%s: anchor not in message_ids" % t["id"])
            age = (AS_OF_DT - max(dates)).days
            if t["expected_state"] == "open" and age >= 30:
                errors.append("%s: open but last message %d days old" % (t["id"], age))
            if t["id"] == "t09" and age <= 40:
                errors.append("t09: silent thread must be > 40 days old")
            if t["id"] == "t12" and (AS_OF_DT - by_mid[t["anchor_message_id"]][2]).days >= 20:
                errors.append("t12: quote must be < 20 days old")
    if seen != set(by_mid):
        errors.append("messages not labeled: %s" % sorted(set(by_mid) - seen))
    crlf = sum(1 for k in ORDER if b"\r\n" in MSGS[k]["data"])
    if not 3 <= crlf < len(ORDER) // 2:
        errors.append("expected a few CRLF files, got %d" % crlf)
    return errors, states, crlf


def main():
    names = write_all()
    errors, states, crlf = validate(names)
    n_in = sum(1 for k in ORDER if MSGS[k]["folder"] == "INBOX")
    print("wrote %d messages (%d INBOX, %d Sent, %d CRLF) to %s" % (len(ORDER), n_in, len(ORDER) - n_in, crlf, OUT))
    print("threads: %d opportunities %s, %d distractors" % (
        sum(states.values()), dict(sorted(states.items())), sum(1 for t in LABELS if t["kind"] == "distractor")))
    if errors:
        for e in errors:
            print("ERROR:", e, file=sys.stderr)
        sys.exit(1)
    print("validation OK")


if __name__ == "__main__":
    main()
