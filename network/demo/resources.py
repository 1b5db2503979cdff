"""Demo library (used by `manage.py seed_demo`): the library index and about twenty resources of the demo
organisations, in every visibility and kind, some with a small PDF, four of them translated by hand into English,
Spanish, Arabic and Russian. Fictional organisations and texts; no real person appears anywhere.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import StringSegment

from network.accounts.models import User
from network.orgs.models import Organisation, Role
from network.resources import services as resource_services
from network.resources.models import (
    Audience,
    LibraryIndexPage,
    Licence,
    ResourceAttachment,
    ResourceKind,
    ResourcePage,
    Visibility,
)
from network.themes.models import Theme
from network.translation import services as translation_services

LIBRARY = {
    "title": "Bibliothèque",
    "slug": "library",
    "intro": "Outils, guides et capitalisation publiés par les organisations du réseau.",
}
# language code → (title, intro); the slug stays "library" in every language.
LIBRARY_TRANSLATIONS = {
    "en": ("Library", "Tools, guides and capitalisation published by the network's organisations."),
    "es": ("Biblioteca", "Herramientas, guías y capitalización publicadas por las organizaciones de la red."),
    "ru": ("Библиотека", "Инструменты, руководства и обобщённый опыт организаций сети."),
    "ar": ("المكتبة", "أدوات وأدلة وخلاصات تجارب نشرتها منظمات الشبكة."),
    "zh-hans": ("资料库", "网络成员组织发布的工具、指南和经验总结。"),
}

# Each resource: organisation slug and fields. "body" is a list of (block, value): heading (text), paragraph
# (plain text, one paragraph), key_takeaways (list of texts), lesson_learned (dict), quote (text).
# "translations": language → the same texts in the same order (title, slug, summary, then the body's texts).
RESOURCES: list[dict[str, Any]] = [
    # Lotus Outreach
    {
        "organisation": "lotus-outreach",
        "slug": "kit-demarrage-maraude-de-nuit",
        "title": "Kit de démarrage de la maraude de nuit",
        "summary": (
            "Tout ce qu'il faut préparer avant une première maraude de nuit : matériel, binômes, numéros utiles "
            "et règles de confidentialité."
        ),
        "kind": ResourceKind.TOOL,
        "visibility": Visibility.NETWORK,
        "themes": ["harm-reduction", "peer-work", "sexual-reproductive-health"],
        "audience": Audience.OUTREACH_STAFF,
        "published_on": "2025-02-10",
        "body": [
            ("heading", "Avant de partir"),
            (
                "paragraph",
                "Chaque maraude part en binôme, avec un téléphone chargé, le sac de réduction des risques et la "
                "liste des structures ouvertes la nuit. On ne note jamais de nom ni de photo des personnes "
                "rencontrées.",
            ),
            (
                "key_takeaways",
                [
                    "Toujours partir à deux et prévenir la coordination.",
                    "Proposer, ne jamais imposer : la personne décide.",
                    "Aucune donnée personnelle dans le carnet de bord.",
                ],
            ),
        ],
        "document": (
            "Check-list de la maraude de nuit",
            [
                "Sac de réduction des risques complet (préservatifs, gel, seringues, kits base)",
                "Téléphone chargé et numéro de la coordination",
                "Liste des structures ouvertes la nuit",
                "Carnet de bord : nombre de contacts et matériel distribué, jamais de nom",
            ],
        ),
        "translations": {
            "en": {
                "title": "Night outreach starter kit",
                "slug": "night-outreach-starter-kit",
                "summary": (
                    "Everything to prepare before a first night outreach round: supplies, pairs, useful numbers "
                    "and confidentiality rules."
                ),
                "body": [
                    "Before you set out",
                    "Every round goes out in pairs, with a charged phone, the harm-reduction bag and the list of "
                    "services open at night. We never write down names or take photos of the people we meet.",
                    [
                        "Always go out in pairs and let the coordinator know.",
                        "Offer, never impose: the person decides.",
                        "No personal data in the logbook.",
                    ],
                ],
            },
            "es": {
                "title": "Kit de inicio para la ronda nocturna",
                "slug": "kit-inicio-ronda-nocturna",
                "summary": (
                    "Todo lo que hay que preparar antes de una primera ronda nocturna: material, parejas de "
                    "trabajo, números útiles y reglas de confidencialidad."
                ),
                "body": [
                    "Antes de salir",
                    "Cada ronda sale en pareja, con un teléfono cargado, la bolsa de reducción de riesgos y la lista "
                    "de servicios abiertos por la noche. Nunca anotamos nombres ni tomamos fotos de las personas "
                    "que encontramos.",
                    [
                        "Salir siempre en pareja y avisar a la coordinación.",
                        "Proponer, nunca imponer: la persona decide.",
                        "Ningún dato personal en el cuaderno de ruta.",
                    ],
                ],
            },
            "ar": {
                "title": "دليل البدء في جولات التواصل الليلية",
                "summary": (
                    "كل ما يجب تحضيره قبل أول جولة تواصل ليلية: المعدات، والعمل في ثنائيات، والأرقام المفيدة، "
                    "وقواعد السرية."
                ),
                "body": [
                    "قبل الانطلاق",
                    "تنطلق كل جولة بفريق من شخصين، مع هاتف مشحون، وحقيبة الحد من المخاطر، وقائمة بالخدمات "
                    "المفتوحة ليلاً. لا نسجّل أبداً أسماء الأشخاص الذين نلتقيهم ولا نلتقط صورهم.",
                    [
                        "اخرجوا دائماً في ثنائي وأبلغوا المنسّق.",
                        "نقترح ولا نفرض أبداً: القرار للشخص نفسه.",
                        "لا بيانات شخصية في سجل الجولة.",
                    ],
                ],
            },
            "ru": {
                "title": "Стартовый набор для ночного аутрича",
                "summary": (
                    "Всё, что нужно подготовить перед первым ночным выходом: материалы, работа в парах, полезные "
                    "номера и правила конфиденциальности."
                ),
                "body": [
                    "Перед выходом",
                    "Каждый выход — только в паре, с заряженным телефоном, сумкой для снижения вреда и списком "
                    "служб, открытых ночью. Мы никогда не записываем имена и не фотографируем людей, с которыми "
                    "встречаемся.",
                    [
                        "Всегда выходите вдвоём и предупреждайте координатора.",
                        "Предлагать, но не навязывать: решает сам человек.",
                        "Никаких персональных данных в журнале выхода.",
                    ],
                ],
            },
        },
    },
    {
        "organisation": "lotus-outreach",
        "slug": "permanence-en-ligne-applications",
        "title": "Accueillir en ligne : une permanence sur les applications de rencontre",
        "summary": (
            "Comment une équipe d'outreach tient une permanence en ligne : horaires, messages types, orientation "
            "vers les services et limites à poser."
        ),
        "kind": ResourceKind.GUIDE,
        "visibility": Visibility.PUBLIC,
        "themes": ["digital-safety", "harm-reduction", "peer-work"],
        "audience": Audience.OUTREACH_STAFF,
        "published_on": "2024-11-04",
        "body": [
            ("heading", "Un cadre clair"),
            (
                "paragraph",
                "La permanence a lieu deux soirs par semaine, sur un profil d'équipe clairement identifié. Les "
                "messages types présentent l'association, rappellent la confidentialité et proposent une rencontre "
                "ou une orientation.",
            ),
            ("quote", "En ligne, on touche des personnes qu'on ne croisait jamais dans la rue."),
        ],
    },
    {
        "organisation": "lotus-outreach",
        "slug": "bilan-permanence-de-nuit-2024",
        "title": "Bilan de la permanence de nuit 2024",
        "summary": (
            "Chiffres de fréquentation, matériel distribué et points d'amélioration, pour l'équipe et le conseil."
        ),
        "kind": ResourceKind.REPORT,
        "visibility": Visibility.ORGANISATION,
        "themes": ["partnerships", "hiv-stis"],
        "audience": Audience.ORGANISATIONS,
        "published_on": "2025-01-20",
        "licence": Licence.ALL_RIGHTS_RESERVED,
        "body": [
            ("heading", "Ce que l'année nous a appris"),
            (
                "paragraph",
                "La fréquentation a augmenté les soirs où une infirmière du centre de santé était présente. Les "
                "orientations vers le dépistage ont doublé depuis la mise en place du binôme.",
            ),
        ],
        "document": (
            "Bilan chiffré de la permanence de nuit 2024",
            [
                "Soirées de permanence : 96",
                "Contacts : 1 840 (dont 38 % de premières rencontres)",
                "Orientations vers le dépistage : 212",
                "Document interne, ne pas diffuser",
            ],
        ),
    },
    {
        "organisation": "lotus-outreach",
        "slug": "binome-pair-travailleuse-sociale",
        "title": "Capitalisation : le binôme pair·e et travailleuse sociale",
        "summary": (
            "Ce qui fonctionne quand une personne paire et une travailleuse sociale mènent ensemble l'accueil : "
            "répartition des rôles, supervision et reconnaissance du savoir expérientiel."
        ),
        "kind": ResourceKind.GOOD_PRACTICE,
        "visibility": Visibility.PUBLIC,
        "themes": ["peer-work", "partnerships"],
        "audience": Audience.ORGANISATIONS,
        "published_on": "2024-09-16",
        "authoring_organisations": ["pairs-en-route"],
        "confirmed_co_authors": ["pairs-en-route"],  # the others stay "invited" (named nowhere yet)
        "programme_context": "Accueil de jour et maraudes, Paris, depuis 2022.",
        "body": [
            ("heading", "La pratique"),
            (
                "paragraph",
                "La personne paire crée le lien et traduit les besoins ; la travailleuse sociale porte les "
                "démarches administratives. Chacune est rémunérée et participe à la supervision mensuelle.",
            ),
            (
                "lesson_learned",
                {
                    "context": "Au début, les pair·es étaient sollicité·es sans cadre ni rémunération.",
                    "what_happened": "Plusieurs ont quitté le projet après quelques mois.",
                    "lesson": "Un contrat, une fiche de poste et une supervision dès le premier jour.",
                },
            ),
        ],
    },
    # Collectif Étoile
    {
        "organisation": "collectif-etoile",
        "slug": "droits-controle-de-police",
        "title": "Connaître ses droits face à un contrôle de police",
        "summary": (
            "Ce que la police peut demander, ce qu'elle ne peut pas faire, et comment garder une trace d'un "
            "contrôle abusif."
        ),
        "kind": ResourceKind.BROCHURE,
        "visibility": Visibility.PUBLIC,
        "themes": ["legal", "decriminalisation", "violence"],
        "audience": Audience.SEX_WORKERS,
        "published_on": "2025-03-03",
        "authoring_organisations": ["droits-devant"],
        "licence": Licence.CC_BY_SA,
        "body": [
            ("heading", "Pendant le contrôle"),
            (
                "paragraph",
                "Vous devez justifier de votre identité, mais vous n'avez pas à répondre aux questions sur votre "
                "activité. Restez calme, notez l'heure, le lieu et le numéro de matricule si possible.",
            ),
            (
                "key_takeaways",
                [
                    "Vous avez le droit de garder le silence.",
                    "Demandez à contacter une association ou un avocat.",
                    "Après un contrôle abusif, écrivez tout ce dont vous vous souvenez le jour même.",
                ],
            ),
        ],
        "translations": {
            "en": {
                "title": "Know your rights during a police check",
                "slug": "know-your-rights-police-checks",
                "summary": (
                    "What the police may ask, what they may not do, and how to keep a record of an abusive check."
                ),
                "body": [
                    "During the check",
                    "You must prove your identity, but you do not have to answer questions about your work. Stay "
                    "calm and note the time, the place and the officer's badge number if you can.",
                    [
                        "You have the right to remain silent.",
                        "Ask to contact an association or a lawyer.",
                        "After an abusive check, write down everything you remember on the same day.",
                    ],
                ],
            },
            "es": {
                "title": "Conocer tus derechos ante un control policial",
                "slug": "tus-derechos-control-policial",
                "summary": (
                    "Lo que la policía puede pedir, lo que no puede hacer y cómo dejar constancia de un control "
                    "abusivo."
                ),
                "body": [
                    "Durante el control",
                    "Debes acreditar tu identidad, pero no tienes que responder a preguntas sobre tu actividad. "
                    "Mantén la calma y anota la hora, el lugar y el número de placa si es posible.",
                    [
                        "Tienes derecho a guardar silencio.",
                        "Pide contactar con una asociación o con un abogado.",
                        "Después de un control abusivo, escribe ese mismo día todo lo que recuerdes.",
                    ],
                ],
            },
            "ar": {
                "title": "اعرفوا حقوقكم عند تفتيش الشرطة",
                "summary": "ما يحق للشرطة أن تطلبه، وما لا يحق لها فعله، وكيف تحتفظون بأثر لتفتيش تعسفي.",
                "body": [
                    "أثناء التفتيش",
                    "عليكم إثبات هويتكم، لكنكم غير ملزمين بالإجابة عن أسئلة تتعلق بنشاطكم. حافظوا على هدوئكم، "
                    "ودوّنوا الوقت والمكان ورقم الشارة إن أمكن.",
                    [
                        "لكم الحق في التزام الصمت.",
                        "اطلبوا التواصل مع جمعية أو محامٍ.",
                        "بعد تفتيش تعسفي، اكتبوا كل ما تتذكرونه في اليوم نفسه.",
                    ],
                ],
            },
            "ru": {
                "title": "Ваши права при проверке полицией",
                "summary": (
                    "Что полиция может требовать, чего она делать не вправе и как зафиксировать незаконную проверку."
                ),
                "body": [
                    "Во время проверки",
                    "Вы обязаны подтвердить свою личность, но не обязаны отвечать на вопросы о своей работе. "
                    "Сохраняйте спокойствие и по возможности запишите время, место и номер жетона.",
                    [
                        "Вы имеете право хранить молчание.",
                        "Попросите связаться с ассоциацией или адвокатом.",
                        "После незаконной проверки в тот же день запишите всё, что помните.",
                    ],
                ],
            },
        },
    },
    {
        "organisation": "collectif-etoile",
        "slug": "signaler-agression-sans-s-exposer",
        "title": "Signaler une agression sans s'exposer",
        "summary": (
            "Les outils d'alerte entre travailleuses du sexe, le signalement anonyme et l'accompagnement vers une "
            "plainte quand la personne le souhaite."
        ),
        "kind": ResourceKind.GUIDE,
        "visibility": Visibility.NETWORK,
        "themes": ["violence", "digital-safety", "peer-work"],
        "audience": Audience.SEX_WORKERS,
        "published_on": "2024-10-07",
        "body": [
            ("heading", "Trois niveaux d'alerte"),
            (
                "paragraph",
                "Une alerte rapide dans le groupe de messagerie protégé, une fiche de signalement anonyme transmise "
                "à l'association, puis, si la personne le décide, un accompagnement au commissariat.",
            ),
            (
                "key_takeaways",
                [
                    "La personne décide de chaque étape.",
                    "Les alertes ne contiennent jamais de nom de victime.",
                ],
            ),
        ],
    },
    {
        "organisation": "collectif-etoile",
        "slug": "animer-groupe-auto-support",
        "title": "Animer un groupe d'auto-support",
        "summary": "Un module de formation en quatre séances pour co-animer un groupe de parole entre pair·es.",
        "kind": ResourceKind.TRAINING_MODULE,
        "visibility": Visibility.NETWORK,
        "themes": ["peer-work", "advocacy"],
        "audience": Audience.SEX_WORKERS,
        "published_on": "2024-06-12",
        "body": [
            ("heading", "Séance 1 : poser le cadre"),
            (
                "paragraph",
                "Règles de confidentialité, tour de parole, droit de ne pas parler. Les animatrices se présentent "
                "avec le prénom de leur choix.",
            ),
            ("heading", "Séance 2 : partager les savoirs"),
            ("paragraph", "Chaque personne apporte une astuce de sécurité ou de santé ; le groupe en fait une fiche."),
        ],
    },
    {
        "organisation": "collectif-etoile",
        "slug": "compte-rendu-assemblee-annuelle",
        "title": "Compte rendu de l'assemblée annuelle",
        "summary": "Décisions, priorités de plaidoyer et répartition des mandats pour l'année à venir.",
        "kind": ResourceKind.REPORT,
        "visibility": Visibility.ORGANISATION,
        "themes": ["advocacy", "partnerships"],
        "audience": Audience.ORGANISATIONS,
        "published_on": "2025-01-27",
        "licence": Licence.ALL_RIGHTS_RESERVED,
        "body": [
            ("heading", "Priorités retenues"),
            (
                "paragraph",
                "L'assemblée a retenu deux priorités : l'accès aux droits des personnes migrantes et la lutte "
                "contre les arrêtés municipaux anti-prostitution.",
            ),
        ],
    },
    # Amaranthe
    {
        "organisation": "amaranthe",
        "slug": "accompagner-demande-titre-de-sejour",
        "title": "Accompagner une demande de titre de séjour",
        "summary": (
            "Les étapes d'une première demande de titre de séjour, les pièces à réunir et le rôle de l'accompagnant·e."
        ),
        "kind": ResourceKind.GUIDE,
        "visibility": Visibility.PUBLIC,
        "themes": ["migration-rights", "legal"],
        "audience": Audience.OUTREACH_STAFF,
        "published_on": "2024-12-02",
        "body": [
            ("heading", "Réunir les pièces"),
            (
                "paragraph",
                "Commencez par vérifier le passeport, les preuves de présence en France et les justificatifs de "
                "domicile. Gardez une copie de chaque document et du récépissé de dépôt.",
            ),
            (
                "key_takeaways",
                [
                    "Prendre rendez-vous tôt : les délais sont longs.",
                    "Ne jamais confier l'original d'un passeport.",
                    "Orienter vers une clinique juridique en cas de refus.",
                ],
            ),
        ],
        "translations": {
            "en": {
                "title": "Supporting a residence permit application",
                "slug": "supporting-residence-permit-applications",
                "summary": (
                    "The steps of a first residence permit application, the documents to gather and the role of "
                    "the person providing support."
                ),
                "body": [
                    "Gathering the documents",
                    "Start by checking the passport, proof of presence in France and proof of address. Keep a copy "
                    "of every document and of the filing receipt.",
                    [
                        "Book an appointment early: waiting times are long.",
                        "Never hand over an original passport.",
                        "Refer to a legal clinic if the application is refused.",
                    ],
                ],
            },
            "es": {
                "title": "Acompañar una solicitud de permiso de residencia",
                "slug": "acompanar-solicitud-permiso-residencia",
                "summary": (
                    "Los pasos de una primera solicitud de permiso de residencia, los documentos que reunir y el "
                    "papel de la persona acompañante."
                ),
                "body": [
                    "Reunir los documentos",
                    "Empieza por revisar el pasaporte, las pruebas de presencia en Francia y los justificantes de "
                    "domicilio. Guarda una copia de cada documento y del resguardo de presentación.",
                    [
                        "Pedir cita pronto: los plazos son largos.",
                        "No entregar nunca el original de un pasaporte.",
                        "Derivar a una clínica jurídica en caso de denegación.",
                    ],
                ],
            },
            "ar": {
                "title": "مرافقة طلب تصريح الإقامة",
                "summary": "مراحل أول طلب لتصريح الإقامة، والوثائق المطلوب جمعها، ودور الشخص المرافق.",
                "body": [
                    "جمع الوثائق",
                    "ابدؤوا بالتحقق من جواز السفر، وإثباتات الوجود في فرنسا، وإثبات عنوان السكن. احتفظوا بنسخة "
                    "من كل وثيقة ومن إيصال إيداع الطلب.",
                    [
                        "احجزوا الموعد مبكراً: فترات الانتظار طويلة.",
                        "لا تسلّموا أبداً جواز سفر أصلياً.",
                        "وجّهوا الشخص إلى عيادة قانونية في حال الرفض.",
                    ],
                ],
            },
            "ru": {
                "title": "Сопровождение заявления на вид на жительство",
                "summary": (
                    "Этапы первого обращения за видом на жительство, необходимые документы и роль сопровождающего."
                ),
                "body": [
                    "Сбор документов",
                    "Начните с проверки паспорта, подтверждений пребывания во Франции и документов о месте "
                    "проживания. Сохраняйте копию каждого документа и квитанции о подаче.",
                    [
                        "Записывайтесь заранее: сроки ожидания большие.",
                        "Никогда не отдавайте оригинал паспорта.",
                        "При отказе направляйте человека в юридическую клинику.",
                    ],
                ],
            },
        },
    },
    {
        "organisation": "amaranthe",
        "slug": "travailler-avec-interpretes-communautaires",
        "title": "Travailler avec des interprètes communautaires",
        "summary": (
            "Retour d'expérience sur deux ans d'interprétariat par des paires russophones et ukrainophones lors "
            "des accompagnements santé et droits."
        ),
        "kind": ResourceKind.LESSON_LEARNED,
        "visibility": Visibility.NETWORK,
        "themes": ["migration-rights", "partnerships", "peer-work"],
        "audience": Audience.ORGANISATIONS,
        "published_on": "2024-05-21",
        "programme_context": "Accompagnements santé et droits, Lyon, 2022-2024.",
        "body": [
            (
                "lesson_learned",
                {
                    "context": "Les personnes accompagnées refusaient souvent les interprètes par téléphone.",
                    "what_happened": (
                        "Des paires formées à l'interprétariat ont accompagné les rendez-vous ; la confiance et "
                        "l'observance des traitements ont progressé."
                    ),
                    "lesson": "Former et rémunérer les interprètes communautaires, et protéger leur anonymat.",
                },
            ),
            ("quote", "Quand c'est une paire qui traduit, on ose poser ses vraies questions."),
        ],
    },
    {
        "organisation": "amaranthe",
        "slug": "lexique-sante-sexuelle-six-langues",
        "title": "Lexique de santé sexuelle en six langues",
        "summary": (
            "Les mots essentiels d'une consultation de santé sexuelle, en français, anglais, espagnol, russe, "
            "chinois et arabe."
        ),
        "kind": ResourceKind.TOOL,
        "visibility": Visibility.PUBLIC,
        "themes": ["sexual-reproductive-health", "migration-rights", "hiv-stis"],
        "audience": Audience.HEALTH_PROFESSIONALS,
        "published_on": "2024-08-30",
        "licence": Licence.CC_BY_NC_SA,
        "body": [
            ("heading", "Comment l'utiliser"),
            (
                "paragraph",
                "Le lexique se lit à deux : la personne montre le mot dans sa langue, le soignant lit la traduction. "
                "Il ne remplace pas un interprète pour les annonces de résultats.",
            ),
        ],
        "document": (
            "Lexique de santé sexuelle (extrait)",
            [
                "Dépistage - Testing - Prueba - Тестирование",
                "Préservatif - Condom - Condón - Презерватив",
                "Résultat négatif - Negative result - Resultado negativo",
                "Traitement - Treatment - Tratamiento - Лечение",
            ],
        ),
    },
    {
        "organisation": "amaranthe",
        "slug": "accueil-nouvelles-benevoles",
        "title": "Procédure d'accueil des nouvelles bénévoles",
        "summary": "Entretien d'accueil, charte de confidentialité, binôme de référence et premières missions.",
        "kind": ResourceKind.TOOL,
        "visibility": Visibility.ORGANISATION,
        "themes": ["peer-work"],
        "audience": Audience.ORGANISATIONS,
        "published_on": "2024-03-11",
        "licence": Licence.ALL_RIGHTS_RESERVED,
        "body": [
            ("heading", "Les quatre premières semaines"),
            (
                "paragraph",
                "La nouvelle bénévole signe la charte, suit une demi-journée de formation et accompagne une "
                "référente avant de tenir seule une permanence.",
            ),
        ],
    },
    # Pairs en Route
    {
        "organisation": "pairs-en-route",
        "slug": "securite-numerique-telephone-annonces",
        "title": "Sécurité numérique : protéger son téléphone et ses annonces",
        "summary": (
            "Des gestes simples pour limiter les traces en ligne, séparer vie privée et travail, et réagir en cas "
            "de chantage."
        ),
        "kind": ResourceKind.GUIDE,
        "visibility": Visibility.PUBLIC,
        "themes": ["digital-safety", "violence"],
        "audience": Audience.SEX_WORKERS,
        "published_on": "2025-02-24",
        "body": [
            ("heading", "Séparer les usages"),
            (
                "paragraph",
                "Utilisez un numéro et un compte de messagerie réservés au travail, sans photo de visage ni lieu "
                "reconnaissable. Désactivez la localisation des photos avant de les publier.",
            ),
            (
                "key_takeaways",
                [
                    "Un téléphone ou un numéro dédié au travail.",
                    "Verrouillage par code et sauvegarde chiffrée.",
                    "En cas de chantage, ne payez pas et gardez les preuves.",
                ],
            ),
        ],
        "translations": {
            "en": {
                "title": "Digital safety: protecting your phone and your ads",
                "slug": "digital-safety-phone-and-ads",
                "summary": (
                    "Simple steps to limit online traces, keep private life and work apart, and respond to blackmail."
                ),
                "body": [
                    "Keeping uses apart",
                    "Use a phone number and a messaging account kept for work, with no photo of your face and no "
                    "recognisable place. Turn off photo location before posting.",
                    [
                        "A phone or a number just for work.",
                        "A passcode lock and encrypted backups.",
                        "If you are blackmailed, do not pay and keep the evidence.",
                    ],
                ],
            },
            "es": {
                "title": "Seguridad digital: proteger tu teléfono y tus anuncios",
                "slug": "seguridad-digital-telefono-anuncios",
                "summary": (
                    "Gestos sencillos para limitar los rastros en línea, separar vida privada y trabajo, y "
                    "reaccionar ante un chantaje."
                ),
                "body": [
                    "Separar los usos",
                    "Usa un número y una cuenta de mensajería reservados al trabajo, sin fotos de tu cara ni lugares "
                    "reconocibles. Desactiva la ubicación de las fotos antes de publicarlas.",
                    [
                        "Un teléfono o un número solo para el trabajo.",
                        "Bloqueo con código y copias de seguridad cifradas.",
                        "Si sufres un chantaje, no pagues y guarda las pruebas.",
                    ],
                ],
            },
            "ar": {
                "title": "الأمان الرقمي: حماية هاتفك وإعلاناتك",
                "summary": (
                    "خطوات بسيطة للحد من الآثار على الإنترنت، والفصل بين الحياة الخاصة والعمل، والتصرف عند "
                    "التعرض للابتزاز."
                ),
                "body": [
                    "الفصل بين الاستخدامات",
                    "استخدموا رقماً وحساب مراسلة مخصصين للعمل، من دون صور للوجه أو أماكن يمكن التعرف عليها. "
                    "أوقفوا تحديد الموقع في الصور قبل نشرها.",
                    [
                        "هاتف أو رقم مخصص للعمل فقط.",
                        "قفل برمز سري ونسخ احتياطية مشفّرة.",
                        "عند التعرض للابتزاز، لا تدفعوا واحتفظوا بالأدلة.",
                    ],
                ],
            },
            "ru": {
                "title": "Цифровая безопасность: защитите свой телефон и объявления",
                "summary": (
                    "Простые шаги, чтобы оставлять меньше следов в сети, разделять личную жизнь и работу и "
                    "действовать при шантаже."
                ),
                "body": [
                    "Разделяйте использование",
                    "Используйте для работы отдельный номер и аккаунт в мессенджере, без фото лица и узнаваемых "
                    "мест. Перед публикацией отключайте геолокацию в фотографиях.",
                    [
                        "Отдельный телефон или номер только для работы.",
                        "Блокировка кодом и зашифрованные резервные копии.",
                        "При шантаже не платите и сохраняйте доказательства.",
                    ],
                ],
            },
        },
    },
    {
        "organisation": "pairs-en-route",
        "slug": "contenu-kit-reduction-des-risques",
        "title": "Ce que contient le kit de réduction des risques",
        "summary": "Une brochure illustrée pour présenter chaque élément du kit et son bon usage.",
        "kind": ResourceKind.BROCHURE,
        "visibility": Visibility.PUBLIC,
        "themes": ["harm-reduction", "hiv-stis", "sexual-reproductive-health"],
        "audience": Audience.SEX_WORKERS,
        "published_on": "2024-07-08",
        "licence": Licence.CC0,
        "body": [
            ("heading", "Dans le sac"),
            (
                "paragraph",
                "Préservatifs externes et internes, gel, lingettes, matériel stérile, autotest VIH et la carte des "
                "lieux de dépistage gratuits.",
            ),
        ],
        "document": (
            "Contenu du kit de réduction des risques",
            [
                "Préservatifs externes et internes, gel à base d'eau",
                "Matériel stérile et récupérateur",
                "Autotest VIH avec notice",
                "Carte des lieux de dépistage gratuits",
            ],
        ),
    },
    {
        "organisation": "pairs-en-route",
        "slug": "lecons-tournee-camping-car",
        "title": "Leçons d'une tournée en camping-car",
        "summary": "Ce que six mois de tournée sur les routes de la région ont appris au groupe de pair·es.",
        "kind": ResourceKind.LESSON_LEARNED,
        "visibility": Visibility.NETWORK,
        "themes": ["harm-reduction", "peer-work"],
        "audience": Audience.ORGANISATIONS,
        "published_on": "2024-04-15",
        "programme_context": "Tournée hebdomadaire sur les axes routiers, Haute-Garonne.",
        "body": [
            (
                "lesson_learned",
                {
                    "context": "Les personnes travaillant sur les routes étaient loin de tout service.",
                    "what_happened": (
                        "Le camping-car a permis d'offrir un espace au calme, du matériel et un café, mais les "
                        "horaires fixes ne convenaient pas à tout le monde."
                    ),
                    "lesson": "Annoncer les passages par messagerie et garder une partie de la tournée flexible.",
                },
            ),
        ],
    },
    {
        "organisation": "pairs-en-route",
        "slug": "video-prep-expliquee-par-des-pairs",
        "title": "Vidéo : la PrEP expliquée par des pair·es",
        "summary": (
            "Une courte vidéo où des pair·es expliquent la PrEP, son suivi et où l'obtenir, avec sa transcription."
        ),
        "kind": ResourceKind.VIDEO,
        "visibility": Visibility.PUBLIC,
        "themes": ["hiv-stis", "peer-work"],
        "audience": Audience.SEX_WORKERS,
        "published_on": "2025-01-13",
        "body": [
            ("heading", "À propos de la vidéo"),
            (
                "paragraph",
                "Tournée avec des voix modifiées et sans visage, la vidéo dure quatre minutes. La transcription "
                "est jointe pour une lecture sans son.",
            ),
        ],
        "document": (
            "Transcription : la PrEP expliquée par des pair·es",
            [
                "La PrEP est un traitement qui protège du VIH avant une exposition.",
                "Elle se prend en continu ou à la demande, après avis médical.",
                "Un suivi tous les trois mois permet de faire les dépistages.",
            ],
        ),
    },
    # Centre de santé Belleville
    {
        "organisation": "centre-sante-belleville",
        "slug": "protocole-depistage-rapide-hors-les-murs",
        "title": "Protocole de dépistage rapide hors les murs",
        "summary": (
            "Un module de formation pour réaliser des TROD VIH et hépatite C pendant les maraudes, avec l'équipe "
            "médicale du centre."
        ),
        "kind": ResourceKind.TRAINING_MODULE,
        "visibility": Visibility.NETWORK,
        "themes": ["hiv-stis", "sexual-reproductive-health", "partnerships"],
        "audience": Audience.HEALTH_PROFESSIONALS,
        "published_on": "2024-10-21",
        "authoring_organisations": ["lotus-outreach"],
        "confirmed_co_authors": ["lotus-outreach"],  # the others stay "invited" (named nowhere yet)
        "body": [
            ("heading", "Organisation de la séance"),
            (
                "paragraph",
                "Un espace fermé, un consentement oral recueilli sans témoin, un résultat remis en personne et une "
                "orientation immédiate en cas de test réactif.",
            ),
            (
                "key_takeaways",
                [
                    "Le consentement se recueille à chaque test.",
                    "Aucun résultat par téléphone ou par message.",
                ],
            ),
        ],
    },
    {
        "organisation": "centre-sante-belleville",
        "slug": "contraception-urgence-fiche-memo",
        "title": "Contraception d'urgence : fiche mémo",
        "summary": "Les options, les délais et où les obtenir gratuitement, sur une page à imprimer.",
        "kind": ResourceKind.BROCHURE,
        "visibility": Visibility.PUBLIC,
        "themes": ["sexual-reproductive-health"],
        "audience": Audience.EVERYONE,
        "published_on": "2024-02-05",
        "body": [
            ("heading", "Les délais à retenir"),
            (
                "paragraph",
                "La pilule d'urgence se prend le plus tôt possible, jusqu'à trois ou cinq jours selon le type. Le "
                "stérilet au cuivre peut être posé jusqu'à cinq jours après le rapport.",
            ),
        ],
        "document": (
            "Fiche mémo contraception d'urgence",
            [
                "Pilule d'urgence : le plus tôt possible, jusqu'à 3 ou 5 jours",
                "Stérilet au cuivre : jusqu'à 5 jours après le rapport",
                "Gratuit en pharmacie, sans ordonnance",
            ],
        ),
    },
    {
        "organisation": "centre-sante-belleville",
        "slug": "tableau-de-bord-consultations",
        "title": "Tableau de bord des consultations",
        "summary": "Indicateurs trimestriels de l'équipe : consultations, dépistages, initiations de PrEP.",
        "kind": ResourceKind.REPORT,
        "visibility": Visibility.ORGANISATION,
        "themes": ["hiv-stis"],
        "audience": Audience.ORGANISATIONS,
        "published_on": "2025-01-06",
        "licence": Licence.ALL_RIGHTS_RESERVED,
        "body": [
            ("heading", "Quatrième trimestre"),
            (
                "paragraph",
                "Les initiations de PrEP ont progressé grâce aux orientations des maraudes partenaires. Les chiffres "
                "sont agrégés et ne permettent d'identifier personne.",
            ),
        ],
    },
    # Droits Devant
    {
        "organisation": "droits-devant",
        "slug": "porter-plainte-apres-violences",
        "title": "Porter plainte après des violences : le parcours",
        "summary": (
            "De la première écoute au procès : les étapes d'une plainte, les droits de la victime et les aides "
            "possibles, même sans titre de séjour."
        ),
        "kind": ResourceKind.GUIDE,
        "visibility": Visibility.PUBLIC,
        "themes": ["legal", "violence", "migration-rights"],
        "audience": Audience.EVERYONE,
        "published_on": "2024-11-18",
        "body": [
            ("heading", "Avant la plainte"),
            (
                "paragraph",
                "Faire constater les blessures par un médecin, garder les messages et noter les noms des témoins. "
                "Une association peut accompagner au commissariat.",
            ),
            ("heading", "Après la plainte"),
            (
                "paragraph",
                "La victime peut demander l'aide juridictionnelle et se constituer partie civile. Une plainte ne "
                "peut pas être refusée par le commissariat.",
            ),
        ],
    },
    {
        "organisation": "droits-devant",
        "slug": "analyse-juridique-loi-2016",
        "title": "Ce qu'a changé la loi de 2016 : analyse juridique",
        "summary": (
            "Une analyse des effets de la pénalisation des clients sur la sécurité et l'accès aux droits des "
            "travailleuses du sexe, pour le plaidoyer du réseau."
        ),
        "kind": ResourceKind.REPORT,
        "visibility": Visibility.NETWORK,
        "themes": ["decriminalisation", "legal", "advocacy"],
        "audience": Audience.POLICY_MAKERS,
        "published_on": "2024-04-29",
        "authoring_organisations": ["collectif-etoile"],
        "body": [
            ("heading", "Constats"),
            (
                "paragraph",
                "Les témoignages recueillis décrivent un déplacement vers des lieux plus isolés et une négociation "
                "plus difficile des conditions, notamment du port du préservatif.",
            ),
            (
                "key_takeaways",
                [
                    "La pénalisation des clients éloigne des services.",
                    "Les violences signalées ne diminuent pas.",
                ],
            ),
        ],
    },
    {
        "organisation": "droits-devant",
        "slug": "modeles-courriers-prefecture",
        "title": "Modèles de courriers à la préfecture",
        "summary": "Demande de rendez-vous, recours gracieux et demande de communication du dossier.",
        "kind": ResourceKind.TOOL,
        "visibility": Visibility.ORGANISATION,
        "themes": ["migration-rights", "legal"],
        "audience": Audience.LEGAL_PROFESSIONALS,
        "published_on": "2024-09-02",
        "licence": Licence.ALL_RIGHTS_RESERVED,
        "body": [
            ("heading", "Avant d'envoyer"),
            ("paragraph", "Relire avec une juriste, joindre les pièces numérotées et garder l'accusé de réception."),
        ],
        "document": (
            "Modèles de courriers à la préfecture",
            [
                "1. Demande de rendez-vous pour un premier titre de séjour",
                "2. Recours gracieux contre un refus",
                "3. Demande de communication du dossier administratif",
            ],
        ),
    },
]


def seed_demo_resources() -> int:
    """Create the demo library and its resources where they are missing; returns how many resources were added.

    Resources of demo organisations that do not exist are skipped; translations are made into the languages the
    site offers. Running it again adds nothing (and completes translations into newly configured languages).
    """
    with transaction.atomic():
        library = _library_index()
        _translate_library(library)
        added = 0
        for spec in RESOURCES:
            organisation = Organisation.objects.filter(slug=spec["organisation"]).first()
            if organisation is None or organisation.space_page_id is None:
                continue
            page = _existing_resource(organisation, spec["slug"])
            if page is None:
                page = _create_resource(organisation, spec)
                added += 1
                _confirm_co_authors(page, spec)
            _translate_resource(page, spec)
    return added


def _library_index() -> LibraryIndexPage:
    home = Site.objects.get(is_default_site=True).root_page.specific
    existing = LibraryIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    library = LibraryIndexPage(title=LIBRARY["title"], slug=LIBRARY["slug"], intro=f"<p>{LIBRARY['intro']}</p>")
    home.add_child(instance=library)
    library.save_revision().publish()
    return library


def _translate_library(library: LibraryIndexPage) -> None:
    for code, (title, intro) in LIBRARY_TRANSLATIONS.items():
        locale = _offered_locale(code)
        if locale is None or _is_translated(library, locale):
            continue
        [translation] = translation_services.translation_submit(instance=library, locales=[locale])
        texts = {LIBRARY["title"]: title, LIBRARY["slug"]: LIBRARY["slug"], LIBRARY["intro"]: intro}
        translation_services.translation_fill(translation=translation, strings=_present_in_source(translation, texts))


def _existing_resource(organisation: Organisation, slug: str) -> ResourcePage | None:
    space = organisation.space_page
    return ResourcePage.objects.child_of(space).filter(slug=slug).first()


def _create_resource(organisation: Organisation, spec: dict[str, Any]) -> ResourcePage:
    author = _coordinator(organisation)
    page = ResourcePage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        kind=spec["kind"],
        visibility=spec["visibility"],
        audience=spec.get("audience", Audience.EVERYONE),
        country=spec.get("country", "FR"),
        licence=spec.get("licence", Licence.CC_BY),
        programme_context=spec.get("programme_context", ""),
        published_on=datetime.date.fromisoformat(spec["published_on"]),
        last_reviewed_on=datetime.date.fromisoformat(spec["published_on"]),
        body=[_block(kind, value) for kind, value in spec["body"]],
        owner=author,
        live=False,
    )
    page.themes = list(Theme.objects.filter(slug__in=spec["themes"]))
    page.authoring_organisations = list(Organisation.objects.filter(slug__in=spec.get("authoring_organisations", [])))
    if "document" in spec:
        title, lines = spec["document"]
        page.attachments = [ResourceAttachment(document=_document(organisation, spec["slug"], title, lines, author))]
    organisation.space_page.specific.add_child(instance=page)
    page.save_revision(user=author).publish(user=author, skip_permission_checks=True)
    return ResourcePage.objects.get(pk=page.pk)


def _confirm_co_authors(page: ResourcePage, spec: dict[str, Any]) -> None:
    """Co-authors are named only once they confirm: some demo ones did (through the service, by a coordinator of
    their own); the others show as invited to the publishing organisation and on their coordinators' invitations."""
    for organisation in Organisation.objects.filter(slug__in=spec.get("confirmed_co_authors", [])):
        coordinator = _coordinator(organisation)
        if coordinator is not None:
            resource_services.coauthorship_answer(
                translation_key=page.translation_key, organisation=organisation, confirm=True, acting_user=coordinator
            )


def _block(kind: str, value: Any) -> tuple[str, Any]:
    if kind == "paragraph":
        return kind, f"<p>{value}</p>"
    return kind, value


def _translate_resource(page: ResourcePage, spec: dict[str, Any]) -> None:
    for code, texts in spec.get("translations", {}).items():
        locale = _offered_locale(code)
        if locale is None or _is_translated(page, locale):
            continue
        [translation] = translation_services.translation_submit(instance=page, locales=[locale])
        translation_services.translation_fill(translation=translation, strings=_pairs(spec, texts))


def _pairs(spec: dict[str, Any], texts: dict[str, Any]) -> dict[str, str]:
    """French text → translated text, from the two parallel descriptions (the slug stays when not translated)."""
    pairs = {
        spec["title"]: texts["title"],
        spec["slug"]: texts.get("slug", spec["slug"]),
        spec["summary"]: texts["summary"],
    }
    for (_kind, french), translated in zip(spec["body"], texts["body"], strict=True):
        if isinstance(french, list):
            pairs.update(zip(french, translated, strict=True))
        else:
            pairs[french] = translated
    return pairs


def _present_in_source(translation: Any, texts: dict[str, str]) -> dict[str, str]:
    """Only the texts the source still has (an index page edited by hand keeps its own translations to make)."""
    present = set(StringSegment.objects.filter(source=translation.source).values_list("string__data", flat=True))
    return {french: translated for french, translated in texts.items() if french in present}


def _offered_locale(code: str) -> Locale | None:
    if code not in {language for language, _name in settings.WAGTAIL_CONTENT_LANGUAGES}:
        return None
    return Locale.objects.filter(language_code=code).first()


def _is_translated(page: Page, locale: Locale) -> bool:
    """A real translation exists (an alias made while translating a child page does not count)."""
    return Page.objects.filter(translation_key=page.translation_key, locale=locale, alias_of__isnull=True).exists()


def _coordinator(organisation: Organisation) -> User | None:
    return User.objects.filter(memberships__organisation=organisation, memberships__role=Role.COORDINATOR).first()


def _document(organisation: Organisation, slug: str, title: str, lines: list[str], author: User | None) -> Any:
    document = get_document_model()(title=title, collection=organisation.collection, uploaded_by_user=author)
    document.file.save(f"{slug}.pdf", ContentFile(_pdf(title, lines)), save=False)
    document._set_document_file_metadata()  # noqa: SLF001 - size and hash, as Wagtail's upload form does
    document.save()
    return document


def _pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a title and a few lines (Helvetica, WinAnsi: enough for French)."""

    def text(value: str) -> str:
        return "(" + value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj"

    operations = ["BT", "/F1 16 Tf", "50 780 Td", text(title), "/F1 11 Tf", "0 -30 Td"]
    for line in lines:
        operations += [text(line), "0 -18 Td"]
    operations.append("ET")
    stream = "\n".join(operations).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(output)
