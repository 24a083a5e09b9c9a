# ruff: noqa: E501 - prose: one sentence per string reads better than wrapped fragments
"""The demo training modules: written for this platform, for staff of a UK children's
services department moving to the Family Safeguarding Model.

Each module is a dict; each lesson a title, an introduction and a list of blocks built
with the small helpers below (StreamField raw form). Knowledge checks give feedback on
every answer; reflections are private to the learner.
"""


def text(html: str) -> tuple:
    return ("rich_text", html)


def key_point(body: str, heading: str = "Key point") -> tuple:
    return ("key_point", {"heading": heading, "text": f"<p>{body}</p>"})


def check(
    question: str, options: list[tuple[str, bool, str]], *, kind: str = "single", pass_mark: int = 100
) -> tuple:
    return (
        "knowledge_check",
        {
            "question": question,
            "kind": kind,
            "options": [{"text": t, "correct": c, "feedback": f} for t, c, f in options],
            "pass_mark": pass_mark,
            "required": True,
        },
    )


def reflect(prompt: str, guidance: str = "") -> tuple:
    return ("reflection", {"prompt": prompt, "guidance": guidance})


MODULES: list[dict] = [
    {
        "slug": "introduction-to-family-safeguarding",
        "title": "Introduction to the Family Safeguarding Model",
        "summary": "Why the council is changing how it works with families, and what the model asks of every worker.",
        "outcomes": [
            "Describe the five elements of the Family Safeguarding Model",
            "Explain why adult specialists sit in children's teams",
            "Say what will change in your own role",
        ],
        "minutes": 35,
        "lessons": [
            {
                "title": "Why we are changing",
                "intro": "The reasons behind the move, in our own figures and Hertfordshire's.",
                "minutes": 15,
                "blocks": [
                    text(
                        "<p>Most children who come to our attention live with parents who are struggling with "
                        "one or more of three things: domestic abuse, drug or alcohol use, and poor mental "
                        "health. For years our response has been to assess the parents, monitor the children "
                        "and refer the adults on to other services, which often had waiting lists.</p>"
                        "<p>It has not worked well enough. The number of children in our care rose by 80% "
                        "between 2011 and 2019, from 425 to 780, and without change we expect around 915 by "
                        "2023. Behind each number is a child living away from their family.</p>"
                        "<h2>What Hertfordshire found</h2><p>Hertfordshire built the Family Safeguarding Model "
                        "in 2015. Within 30 months they saw 55% fewer children on child protection plans, 39% "
                        "fewer days spent in care, 53% fewer hospital admissions for adults in the families "
                        "and 66% fewer police call-outs for domestic abuse. Luton, Peterborough, Bracknell "
                        "Forest and West Berkshire have since adopted it.</p>"
                    ),
                    key_point(
                        "The model works on the adult problems that put children at risk, inside the same "
                        "team, at the same time, rather than referring parents elsewhere and waiting."
                    ),
                    check(
                        "Which three adult difficulties most often sit behind the concerns for children we work with?",
                        [
                            (
                                "Domestic abuse, drug or alcohol use, and parental mental ill health",
                                True,
                                "Right. These three are why adult specialists join our teams.",
                            ),
                            (
                                "Unemployment, poor housing and debt",
                                False,
                                "These matter and often add pressure, but the model is built around domestic "
                                "abuse, substance use and mental health.",
                            ),
                            (
                                "Children's behaviour, school attendance and offending",
                                False,
                                "These can be signs of what is happening at home. The model works on the adult "
                                "difficulties that cause harm.",
                            ),
                        ],
                    ),
                ],
            },
            {
                "title": "The five elements of the model",
                "intro": "Whole-family teams, motivational interviewing, group supervision, the workbook and structured programmes.",
                "minutes": 20,
                "blocks": [
                    text(
                        "<ol><li><strong>Multidisciplinary teams.</strong> Social workers work beside domestic "
                        "abuse practitioners, substance misuse workers, mental health practitioners and often "
                        "probation officers. Police, health and probation are partners.</li>"
                        "<li><strong>One practice model: motivational interviewing.</strong> Everyone, whatever "
                        "their profession, is trained to help parents find their own reasons to change.</li>"
                        "<li><strong>Group case supervision.</strong> The whole team discusses each family "
                        "together, regularly, so every discipline's view shapes the plan.</li>"
                        "<li><strong>An electronic workbook.</strong> Recording focuses on the family's goals "
                        "and progress, not on process.</li>"
                        "<li><strong>Structured programmes.</strong> The team delivers proven interventions "
                        "itself: parenting assessment and programmes, domestic abuse programmes for men and "
                        "for women, resilience work with children, drug and alcohol recovery, Foundations of "
                        "Change and mental health interventions.</li></ol>"
                    ),
                    key_point(
                        "Parents are capable of change. Our job is to help them make it, while keeping the child safe."
                    ),
                    check(
                        "Select the elements that are part of the Family Safeguarding Model.",
                        [
                            (
                                "Group case supervision with every discipline",
                                True,
                                "Yes: the whole team thinks about each family together.",
                            ),
                            (
                                "Motivational interviewing as the shared practice model",
                                True,
                                "Yes: every worker uses MI.",
                            ),
                            (
                                "Referring parents to adult services with their own waiting lists",
                                False,
                                "This is what the model replaces: the adult specialists are in the team.",
                            ),
                            (
                                "Adult specialists working inside children's teams",
                                True,
                                "Yes: this is the heart of the model.",
                            ),
                        ],
                        kind="multiple",
                        pass_mark=100,
                    ),
                    reflect(
                        "Think about a family you have worked with. How might their story have gone differently with a "
                        "substance misuse or mental health worker in your team?",
                        "Write a few sentences. Do not include names or details that identify anyone.",
                    ),
                ],
            },
        ],
    },
    {
        "slug": "motivational-interviewing-foundations",
        "title": "Motivational interviewing foundations",
        "summary": "The spirit and core skills of motivational interviewing, and how they fit child protection work.",
        "outcomes": [
            "Describe the spirit of MI: partnership, acceptance, compassion and evocation",
            "Use open questions, affirmations, reflections and summaries (OARS)",
            "Recognise change talk and sustain talk",
        ],
        "minutes": 45,
        "lessons": [
            {
                "title": "The spirit of motivational interviewing",
                "intro": "MI is a way of being with people, not a technique done to them.",
                "minutes": 15,
                "blocks": [
                    text(
                        "<p>Motivational interviewing (MI) is a collaborative conversation style for "
                        "strengthening a person's own motivation and commitment to change. It rests on four "
                        "attitudes: <strong>partnership</strong> (we work with the parent, not on them), "
                        "<strong>acceptance</strong> (we respect their autonomy and see their strengths), "
                        "<strong>compassion</strong> (we act in their and their children's interests) and "
                        "<strong>evocation</strong> (the reasons for change come from them).</p>"
                        "<p>Most of us have a strong <em>righting reflex</em>: when we see someone heading for "
                        "harm we want to tell them what to do. With parents who feel judged, that usually "
                        "produces arguments for staying the same.</p>"
                    ),
                    key_point(
                        "MI is not collusion. We stay clear about our concerns for the children, and we invite "
                        "the parent to think about them with us. This is sometimes called good authority."
                    ),
                    check(
                        "A father says: \u201cYou lot just want to take my kids.\u201d Which response is most in the spirit of MI?",
                        [
                            (
                                "\u201cThat's not true. We only get involved when children are at risk.\u201d",
                                False,
                                "This argues back. It is accurate, but it invites him to defend himself.",
                            ),
                            (
                                "\u201cYou're worried this ends with the children being taken away.\u201d",
                                True,
                                "A reflection: it shows you heard the fear underneath, without agreeing or arguing.",
                            ),
                            (
                                "\u201cIf you engage with the plan, that won't happen.\u201d",
                                False,
                                "This is reassurance plus instruction. It skips over how he feels.",
                            ),
                        ],
                    ),
                ],
            },
            {
                "title": "OARS and change talk",
                "intro": "The four core skills, and listening for the parent's own arguments for change.",
                "minutes": 30,
                "blocks": [
                    text(
                        "<h2>OARS</h2><ul><li><strong>Open questions</strong> invite a story: \u201cWhat would "
                        "a good week look like for you and the children?\u201d</li><li><strong>Affirmations"
                        "</strong> name a real strength: \u201cYou got them to school every day this week, even "
                        "when things were hard.\u201d</li><li><strong>Reflections</strong> say back what you "
                        "heard. Simple reflections repeat or rephrase; complex ones add meaning or feeling.</li>"
                        "<li><strong>Summaries</strong> gather what has been said and check you have it right."
                        "</li></ul><h2>Change talk and sustain talk</h2><p>Listen for the parent's own words "
                        "about change: desire (\u201cI want\u2026\u201d), ability (\u201cI could\u2026\u201d), "
                        "reasons, need, commitment, and steps already taken. Sustain talk is the other side: "
                        "reasons to keep things as they are. Aim for at least two reflections for every "
                        "question.</p>"
                    ),
                    check(
                        "\u201cI don't want Lily to see me like that again.\u201d What kind of talk is this?",
                        [
                            (
                                "Change talk (desire or reason)",
                                True,
                                "Yes. She is voicing a reason of her own to change.",
                            ),
                            (
                                "Sustain talk",
                                False,
                                "Sustain talk argues for the status quo. This points towards change.",
                            ),
                            (
                                "Neither",
                                False,
                                "Listen again: she is giving a reason to do things differently.",
                            ),
                        ],
                    ),
                    check(
                        "Which of these are open questions?",
                        [
                            (
                                "\u201cWhat worries you most about the drinking?\u201d",
                                True,
                                "Open: it invites the parent to explain.",
                            ),
                            (
                                "\u201cDid you drink last night?\u201d",
                                False,
                                "Closed: it can be answered yes or no.",
                            ),
                            (
                                "\u201cHow have you managed to stay sober this week?\u201d",
                                True,
                                "Open, and it draws out steps already taken.",
                            ),
                            (
                                "\u201cYou know this has to stop, don't you?\u201d",
                                False,
                                "A leading closed question that pushes for agreement.",
                            ),
                        ],
                        kind="multiple",
                        pass_mark=75,
                    ),
                    reflect(
                        "Write down an open question you could ask at your next home visit.",
                        "Only you will see it.",
                    ),
                ],
            },
        ],
    },
    {
        "slug": "structured-parenting-assessment",
        "title": "Structured parenting assessment",
        "summary": "Assessing parenting capacity in a structured, fair and evidence-based way, with the parent.",
        "outcomes": [
            "Plan a structured assessment with clear questions",
            "Gather evidence from several sources",
            "Write findings that separate observation from opinion",
        ],
        "minutes": 40,
        "lessons": [
            {
                "title": "Planning the assessment",
                "intro": "Start with the questions the assessment must answer.",
                "minutes": 20,
                "blocks": [
                    text(
                        "<p>A structured parenting assessment answers specific questions: can this parent meet "
                        "this child's needs, now and in the child's timescale, and with what help? Agree the "
                        "questions with your manager and tell the parent what they are, in plain English, at "
                        "the start.</p><p>Plan sessions that look at the child's needs, the parent's "
                        "capacity, and the family and environment. Include observed time with the child, "
                        "and ask the adult specialists in the team what they know about the parent's "
                        "drinking, drug use, mental health or experience of abuse.</p>"
                    ),
                    key_point(
                        "Parents do better in assessments they understand. Share the questions and the timetable."
                    ),
                    check(
                        "What should a structured parenting assessment begin with?",
                        [
                            (
                                "Clear questions agreed with your manager and shared with the parent",
                                True,
                                "Yes: everything else follows from them.",
                            ),
                            (
                                "A list of the parent's past failures",
                                False,
                                "History matters, but starting here signals judgement, not fairness.",
                            ),
                            (
                                "The recommendation you expect to make",
                                False,
                                "Deciding first risks looking only for evidence that fits.",
                            ),
                        ],
                    ),
                ],
            },
            {
                "title": "Evidence and analysis",
                "intro": "Observation, several sources, and honest analysis.",
                "minutes": 20,
                "blocks": [
                    text(
                        "<p>Good evidence comes from more than one source: your observations, the parent's "
                        "own account, the child's views, school, health visitor or GP, and the team's adult "
                        "specialists. Record what you saw and heard separately from what you think it "
                        "means.</p><p>In your analysis, weigh strengths as carefully as risks, name what "
                        "has changed and what has not, and say what help would make a difference. Group "
                        "case supervision is the place to test your thinking.</p>"
                    ),
                    check(
                        "Which is an observation rather than an opinion?",
                        [
                            (
                                "\u201cMum is neglectful.\u201d",
                                False,
                                "This is a judgement. Say what you saw that led you to it.",
                            ),
                            (
                                "\u201cOn two visits there was no food in the fridge and the baby's nappy was soaked through.\u201d",
                                True,
                                "Yes: specific, dated and checkable.",
                            ),
                            (
                                "\u201cDad doesn't seem to care.\u201d",
                                False,
                                "An impression. What did he say or do?",
                            ),
                        ],
                    ),
                    reflect(
                        "What source of evidence do you tend to rely on too much, and which do you overlook?"
                    ),
                ],
            },
        ],
    },
    {
        "slug": "parenting-programmes-by-age",
        "title": "Parenting programmes for different ages",
        "summary": "Choosing and delivering parenting programmes suited to babies, children and teenagers.",
        "outcomes": [
            "Match a programme to the child's age and the family's needs",
            "Keep parents engaged through a programme",
        ],
        "minutes": 35,
        "lessons": [
            {
                "title": "Different ages, different needs",
                "intro": "What parents of babies, primary-age children and teenagers most need to learn.",
                "minutes": 15,
                "blocks": [
                    text(
                        "<p>Parents of babies and toddlers benefit most from help with attachment, routines, "
                        "safe sleep and reading their child's cues. Parents of primary-age children often "
                        "need help with play, praise, clear boundaries and consistent consequences. Parents "
                        "of teenagers need ways to stay connected, negotiate, and keep young people safe "
                        "outside the home, including from exploitation.</p>"
                    ),
                    key_point(
                        "Choose the programme for the child's stage and the parent's goals, not for what is running next month."
                    ),
                    check(
                        "Which focus best fits a parent of a nine-month-old?",
                        [
                            (
                                "Responding to the baby's cues, routines and safe sleep",
                                True,
                                "Yes: the foundations of attachment and safety.",
                            ),
                            ("Negotiating curfews", False, "That belongs with teenagers."),
                            (
                                "Consequences for breaking rules",
                                False,
                                "Babies do not break rules; they need responsive care.",
                            ),
                        ],
                    ),
                ],
            },
            {
                "title": "Keeping parents engaged",
                "intro": "Using MI so parents start, stay and practise.",
                "minutes": 20,
                "blocks": [
                    text(
                        "<p>Many parents arrive at a programme feeling judged. Ask what they would like to be "
                        "different at home and connect the programme to that. Affirm effort, not just "
                        "success, and plan for missed sessions: a phone call that asks what got in the way "
                        "works better than a warning letter.</p>"
                    ),
                    check(
                        "A mother misses the third session. What is the best first step?",
                        [
                            (
                                "Call her and ask what got in the way",
                                True,
                                "Yes: curious, not punitive, and it keeps the door open.",
                            ),
                            (
                                "Send a letter saying non-attendance will be reported",
                                False,
                                "This may be needed later, but it is not a good first step.",
                            ),
                            ("Remove her from the group", False, "Too soon: one missed session is common."),
                        ],
                    ),
                    reflect(
                        "What gets in the way of parents you work with attending groups, and what could you change?"
                    ),
                ],
            },
        ],
    },
    {
        "slug": "domestic-abuse-perpetrator-programme",
        "title": "Working with men who harm: the perpetrator programme",
        "summary": "How the treatment programme for male perpetrators of domestic abuse works, and the impact on children.",
        "outcomes": [
            "Explain the aims of a perpetrator programme",
            "Keep the child and the victim's safety at the centre",
            "Use MI without colluding",
        ],
        "minutes": 40,
        "lessons": [
            {
                "title": "What the programme does",
                "intro": "Accountability, change, and the children who live with abuse.",
                "minutes": 20,
                "blocks": [
                    text(
                        "<p>The programme works with men who have been abusive to a partner, to help them "
                        "recognise the patterns of their behaviour, take responsibility, and change. It "
                        "includes the impact on children: children who live with domestic abuse are victims "
                        "of it in their own right, even when they are not hit and do not see it.</p>"
                        "<p>Work with the man always runs alongside support and safety planning for the "
                        "victim. The domestic abuse practitioner in the team links the two.</p>"
                    ),
                    key_point(
                        "Working with him never replaces protecting her and the children. Safety comes first."
                    ),
                    check(
                        "Children who hear but do not see abuse at home are:",
                        [
                            (
                                "Victims of domestic abuse in their own right",
                                True,
                                "Yes. The Domestic Abuse Act 2021 recognises this.",
                            ),
                            (
                                "Unaffected if they are asleep or in another room",
                                False,
                                "Children hear, sense and remember far more than adults think.",
                            ),
                            (
                                "Only affected if they are physically hurt",
                                False,
                                "Harm is emotional and developmental too.",
                            ),
                        ],
                    ),
                ],
            },
            {
                "title": "MI without collusion",
                "intro": "Staying alongside a man while being clear about harm.",
                "minutes": 20,
                "blocks": [
                    text(
                        "<p>Men on the programme often minimise (\u201cit was just an argument\u201d) or blame "
                        "(\u201cshe winds me up\u201d). Arguing rarely helps. Reflect what you hear and bring "
                        "the children in: \u201cYou love your kids. I wonder what it's like for them when the "
                        "shouting starts.\u201d Never agree with blame or minimising, and never share the "
                        "victim's safety plan.</p>"
                    ),
                    check(
                        "He says: \u201cShe knows how to push my buttons.\u201d Which response avoids collusion and argument?",
                        [
                            (
                                "\u201cSo you feel provoked, and you're still the one who chooses what you do next.\u201d",
                                True,
                                "Yes: it reflects his experience and keeps responsibility with him.",
                            ),
                            (
                                "\u201cYes, that sounds really difficult with her.\u201d",
                                False,
                                "This agrees with the blame. That is collusion.",
                            ),
                            (
                                "\u201cThat's an excuse and you know it.\u201d",
                                False,
                                "Confronting like this usually makes people defend themselves.",
                            ),
                        ],
                    ),
                    reflect(
                        "What do you notice in yourself when a parent blames their partner for their own behaviour?"
                    ),
                ],
            },
        ],
    },
    {
        "slug": "domestic-abuse-recovery-for-women",
        "title": "Recovery programmes for women affected by domestic abuse",
        "summary": "Supporting women to recover from domestic abuse and to understand its impact on their children.",
        "outcomes": [
            "Describe trauma-informed support for women who have experienced abuse",
            "Help mothers rebuild their relationship with their children",
        ],
        "minutes": 35,
        "lessons": [
            {
                "title": "Trauma-informed support",
                "intro": "Safety, choice and trust first.",
                "minutes": 15,
                "blocks": [
                    text(
                        "<p>Women who have lived with abuse may have been controlled for years. Support that "
                        "offers safety, choice, collaboration and trust helps them regain control of their "
                        "lives. Avoid blaming language such as \u201cfailure to protect\u201d; talk instead "
                        "about what she has done to keep herself and the children safe, and what would help "
                        "now.</p>"
                    ),
                    key_point(
                        "Recognise what she has already done to protect her children. It is usually more than we know."
                    ),
                    check(
                        "Which phrase fits trauma-informed practice?",
                        [
                            (
                                "\u201cWhat have you done to keep the children safe so far?\u201d",
                                True,
                                "Yes: it recognises her protective actions.",
                            ),
                            (
                                "\u201cWhy didn't you leave sooner?\u201d",
                                False,
                                "This blames her and ignores how dangerous leaving can be.",
                            ),
                            (
                                "\u201cYou failed to protect them.\u201d",
                                False,
                                "Blaming language damages trust and ignores the abuser's responsibility.",
                            ),
                        ],
                    ),
                ],
            },
            {
                "title": "Mothers and children recovering together",
                "intro": "Repairing relationships that abuse has damaged.",
                "minutes": 20,
                "blocks": [
                    text(
                        "<p>Abuse often targets the bond between a mother and her children. Recovery "
                        "programmes help mothers understand how children may have been affected, talk with "
                        "them about what happened in words they can understand, and rebuild warmth and "
                        "routines. Children's behaviour after abuse is often a sign of fear, not defiance.</p>"
                    ),
                    check(
                        "A seven-year-old becomes clingy and wets the bed after his father leaves. This is most likely:",
                        [
                            (
                                "A normal response to stress and fear",
                                True,
                                "Yes. Reassurance, routine and patience help.",
                            ),
                            (
                                "Deliberate naughtiness",
                                False,
                                "Regression under stress is common and not a choice.",
                            ),
                            (
                                "A sign he wants his father back",
                                False,
                                "Possibly mixed feelings, but the behaviour itself signals stress.",
                            ),
                        ],
                    ),
                    reflect(
                        "How could you help a mother explain to her children why the family has changed?"
                    ),
                ],
            },
        ],
    },
    {
        "slug": "childrens-resilience",
        "title": "Promoting children's resilience",
        "summary": "Building the protective factors that help children cope with adversity.",
        "outcomes": [
            "Name the protective factors behind resilience",
            "Include the child's voice in every plan",
        ],
        "minutes": 30,
        "lessons": [
            {
                "title": "What makes children resilient",
                "intro": "Resilience is built, not born.",
                "minutes": 15,
                "blocks": [
                    text(
                        "<p>Resilience grows from protective factors: at least one stable, caring adult; a "
                        "sense of being good at something; friendships; a school that notices; and an "
                        "understanding of what has happened that is honest and fits their age. Our work "
                        "with children aims to strengthen these, alongside the work with their parents.</p>"
                    ),
                    key_point(
                        "One reliable, caring adult is the most powerful protective factor a child can have."
                    ),
                    check(
                        "Which of these are protective factors for a child?",
                        [
                            (
                                "A trusted adult outside the home, such as a teacher",
                                True,
                                "Yes: a stable relationship protects.",
                            ),
                            (
                                "A hobby or skill they are proud of",
                                True,
                                "Yes: competence builds confidence.",
                            ),
                            (
                                "Being kept in the dark about family problems",
                                False,
                                "Children cope better with honest, age-appropriate explanations.",
                            ),
                        ],
                        kind="multiple",
                    ),
                ],
            },
            {
                "title": "Hearing the child",
                "intro": "Direct work that puts the child's words in the plan.",
                "minutes": 15,
                "blocks": [
                    text(
                        "<p>Spend time with each child on their own, using play, drawing or activities suited "
                        "to their age. Record what they say in their own words and show them, where you can, "
                        "how it changed the plan. Children notice when they are listened to.</p>"
                    ),
                    check(
                        "How should a child's views appear in their plan?",
                        [
                            (
                                "In their own words, with what the adults will do about them",
                                True,
                                "Yes: it shows the child they were heard.",
                            ),
                            (
                                "Summarised by the social worker as \u201cchild is happy\u201d",
                                False,
                                "Vague summaries lose the child's voice.",
                            ),
                            (
                                "Only if the child is over twelve",
                                False,
                                "Every child's views matter, expressed in ways that suit their age.",
                            ),
                        ],
                    ),
                    reflect("What helps the children you work with open up to you?"),
                ],
            },
        ],
    },
    {
        "slug": "drug-and-alcohol-recovery",
        "title": "Drug and alcohol recovery",
        "summary": "How the team's substance misuse workers support parents' recovery, and what every worker needs to know.",
        "outcomes": [
            "Describe the stages of change and how relapse fits",
            "Talk about drinking and drug use without shaming",
        ],
        "minutes": 35,
        "lessons": [
            {
                "title": "Recovery and relapse",
                "intro": "Change is rarely a straight line.",
                "minutes": 15,
                "blocks": [
                    text(
                        "<p>People move through stages: not yet thinking about change, weighing it up, "
                        "preparing, acting, and keeping it going. Relapse is common and is a chance to learn "
                        "what triggers use. What matters for children is how the adults plan for those "
                        "times: who looks after the children, and what the warning signs are.</p>"
                    ),
                    key_point(
                        "A relapse is not the end of recovery. A relapse with no safety plan for the children is the risk."
                    ),
                    check(
                        "A mother who has been sober for two months tells you she drank at the weekend. What is the best response?",
                        [
                            (
                                "Thank her for telling you and explore what happened and who cared for the children",
                                True,
                                "Yes: honesty is protective, and the children's safety is explored.",
                            ),
                            (
                                "Tell her the progress has been wiped out",
                                False,
                                "Shame makes people hide future use.",
                            ),
                            (
                                "Ignore it, as one weekend does not matter",
                                False,
                                "It matters for the children's safety plan.",
                            ),
                        ],
                    ),
                ],
            },
            {
                "title": "Talking about use",
                "intro": "Asking honestly, without shame.",
                "minutes": 20,
                "blocks": [
                    text(
                        "<p>Ask about substance use as routinely as you would ask about health. Use open "
                        "questions (\u201cTell me about a typical day's drinking\u201d), avoid labels like "
                        "\u201caddict\u201d, and ask the parent what they think the effect is on the "
                        "children. The substance misuse worker in your team can join the visit.</p>"
                    ),
                    check(
                        "Which question is best for opening a conversation about drinking?",
                        [
                            (
                                "\u201cTell me about a typical day's drinking for you.\u201d",
                                True,
                                "Open and non-judgemental.",
                            ),
                            ("\u201cAre you an alcoholic?\u201d", False, "A label that invites denial."),
                            (
                                "\u201cYou've been drinking again, haven't you?\u201d",
                                False,
                                "An accusation that invites defence.",
                            ),
                        ],
                    ),
                    reflect(
                        "Which words do you use about drugs and alcohol that parents might hear as judgement?"
                    ),
                ],
            },
        ],
    },
    {
        "slug": "foundations-of-change",
        "title": "Foundations of Change",
        "summary": "The Foundations of Change programme: helping parents understand their own patterns and build new ones.",
        "outcomes": [
            "Explain the purpose of the Foundations of Change programme",
            "Support parents to set goals they own",
        ],
        "minutes": 30,
        "lessons": [
            {
                "title": "What the programme is for",
                "intro": "Understanding patterns, and planning something different.",
                "minutes": 15,
                "blocks": [
                    text(
                        "<p>Foundations of Change is a structured group programme for parents. It helps "
                        "them understand how their own childhood, relationships and stresses shape the way "
                        "they parent, and build the skills to do things differently. Sessions are practical: "
                        "noticing triggers, managing strong feelings, and solving problems.</p>"
                    ),
                    check(
                        "What is the main aim of Foundations of Change?",
                        [
                            ("To help parents understand their patterns and build new skills", True, "Yes."),
                            (
                                "To assess whether parents should keep their children",
                                False,
                                "That is the purpose of a parenting assessment, not this programme.",
                            ),
                            ("To teach children about safety", False, "The programme works with parents."),
                        ],
                    ),
                ],
            },
            {
                "title": "Goals parents own",
                "intro": "Small, specific and in the parent's words.",
                "minutes": 15,
                "blocks": [
                    text(
                        "<p>Goals work best when parents choose them and they are small and specific: "
                        "\u201cI will walk away and count to ten before I answer when I'm angry\u201d is "
                        "better than \u201cbe a better parent\u201d. Review them in supervision and celebrate "
                        "progress.</p>"
                    ),
                    key_point("A goal in the parent's own words is worth more than a perfect goal in ours."),
                    check(
                        "Which goal is most likely to help?",
                        [
                            (
                                "\u201cRead Jayden a story three nights a week.\u201d",
                                True,
                                "Specific, small and measurable.",
                            ),
                            ("\u201cImprove parenting.\u201d", False, "Too vague to act on."),
                            (
                                "\u201cNever lose my temper again.\u201d",
                                False,
                                "All-or-nothing goals set parents up to fail.",
                            ),
                        ],
                    ),
                    reflect("Think of a goal you set with a family. Whose words was it in?"),
                ],
            },
        ],
    },
    {
        "slug": "mental-health-interventions",
        "title": "Mental health interventions",
        "summary": "How the team's mental health practitioners help parents, and how every worker can respond well.",
        "outcomes": [
            "Recognise common mental health difficulties in parents",
            "Respond to disclosures of suicidal thoughts safely",
        ],
        "minutes": 35,
        "lessons": [
            {
                "title": "Parental mental health and children",
                "intro": "Most parents with mental ill health parent well. Some need help to.",
                "minutes": 15,
                "blocks": [
                    text(
                        "<p>Depression, anxiety and trauma are common among the parents we work with. A "
                        "diagnosis alone tells us little about risk to children; what matters is how the "
                        "difficulties affect daily care, and what support is around the family. The mental "
                        "health practitioner in the team can offer assessment, short interventions and a "
                        "link to NHS services.</p>"
                    ),
                    check(
                        "What matters most when thinking about risk from a parent's mental ill health?",
                        [
                            (
                                "How it affects daily care of the children, and the support around the family",
                                True,
                                "Yes: impact, not label.",
                            ),
                            (
                                "The name of the diagnosis",
                                False,
                                "Two people with the same diagnosis can parent very differently.",
                            ),
                            ("Whether they take medication", False, "One factor among many."),
                        ],
                    ),
                ],
            },
            {
                "title": "Responding to suicidal thoughts",
                "intro": "Ask directly, listen, and act.",
                "minutes": 20,
                "blocks": [
                    text(
                        "<p>If you are worried a parent may be thinking of suicide, ask directly: \u201cAre "
                        "you thinking about ending your life?\u201d Asking does not put the idea in their "
                        "head. Listen, find out whether they have a plan, and agree what happens next. Tell "
                        "your manager and the mental health practitioner the same day, and make sure the "
                        "children are safe.</p>"
                    ),
                    key_point(
                        "Asking directly about suicide does not increase risk. It opens the door to help."
                    ),
                    check(
                        "Asking a parent directly whether they are thinking about suicide:",
                        [
                            (
                                "Is safe and can help them talk",
                                True,
                                "Yes. Research consistently finds this.",
                            ),
                            (
                                "Might give them the idea",
                                False,
                                "A common myth. Asking does not increase risk.",
                            ),
                            (
                                "Should be left to a doctor",
                                False,
                                "Any worker can ask, and then get help quickly.",
                            ),
                        ],
                    ),
                    reflect(
                        "How do you feel about asking someone directly about suicide? What would help you do it?"
                    ),
                ],
            },
        ],
    },
]
