"""The demo MI scenarios, written for this platform, in the shareable format (version 1).

They are built through the same importer councils use, so they double as worked
examples of the format (docs/scenarios.md). Each has MI-consistent and MI-inconsistent
paths, loops with a way out, and moments where the worker has to stay clear about the
concerns for the children: MI is not collusion.
"""

from __future__ import annotations


def r(
    text: str, code: str, feedback: str, next_key: str, *, override: str | None = None, reason: str = ""
) -> dict:
    response = {"text": text, "code": code, "feedback": feedback, "next": next_key}
    if override:
        response["mi_override"] = override
        response["override_reason"] = reason
    return response


def p(
    key: str,
    text: str,
    talk: str,
    responses: list[dict],
    *,
    kind: str | None = None,
    ready: int = 0,
    open_: int = 0,
):
    return {
        "type": "parent",
        "key": key,
        "text": text,
        "talk_type": talk,
        "change_talk_kind": kind,
        "effects": {"readiness": ready, "openness": open_},
        "responses": responses,
    }


def end(key: str, title: str, outcome: str, debrief: str, parent_text: str = "") -> dict:
    return {
        "type": "end",
        "key": key,
        "title": title,
        "outcome": outcome,
        "parent_text": parent_text,
        "debrief": debrief,
    }


def document(**scenario) -> dict:
    return {"format": "mi-scenario", "version": 1, "scenario": scenario}


CRAIG = document(
    slug="craig-evenings",
    title="Craig: “a few cans after work”",
    summary="A father who says his drinking has nothing to do with his children. Practise rolling with "
    "resistance while keeping the children's safety in the conversation.",
    persona={
        "name": "Craig",
        "situation": "Craig Mason, 38, warehouse team leader. The school has raised concerns; you are "
        "visiting "
        "at home on a weekday afternoon. His partner Jodie is asleep upstairs after a night shift.",
        "family_context": "Craig lives with Jodie (35, care assistant, works three nights a week) and their "
        "children Maisie (7) and Leo (4). Craig looks after both children alone on Jodie's work nights.",
        "concerns": "Maisie told her teacher that Dad 'sleeps on the sofa and won't wake up'. Staff smelled "
        "alcohol on Craig at pick-up twice this month. Police attended a noise complaint at 1 a.m. The "
        "worry is "
        "that the children are in the sole care of an intoxicated adult at night, and Maisie is taking on "
        "care of her brother.",
    },
    initial_state={"readiness": 2, "openness": 3},
    minimum_profile={"mi_consistent_percent": None, "reflections_per_question": None},
    start="open",
    nodes=[
        p(
            "open",
            "Look, I know why you're here. Somebody's been telling tales. I have a few cans after work like "
            "every other bloke. The kids are fine.",
            "sustain",
            [
                r(
                    "It feels unfair to have someone at your door about something you see as ordinary.",
                    "complex_reflection",
                    "A complex reflection of the feeling under the words. It lowers the temperature without "
                    "agreeing that the drinking is fine.",
                    "unfair",
                ),
                r(
                    "The school says you smelled of alcohol at pick-up. That isn't 'a few cans'.",
                    "confrontation",
                    "True, but delivered as a verdict in the first minute. Confronting sustain talk head-on "
                    "invites Craig to defend it.",
                    "defend",
                ),
                r(
                    "How many cans would you say you have in an evening?",
                    "closed_question",
                    "A fair thing to find out eventually, but as an opener it feels like an interrogation "
                    "and gets you a number, not a conversation.",
                    "counting",
                ),
            ],
        ),
        p(
            "unfair",
            "Yeah. It is unfair. I work hard. I'm not some drunk on a park bench. I love those kids.",
            "neutral",
            [
                r(
                    "You work hard, and Maisie and Leo matter a great deal to you.",
                    "affirmation",
                    "Affirming real strengths (his work, his love for the children) builds the partnership "
                    "you will need when you raise the concerns.",
                    "love",
                ),
                r(
                    "If you love them, you'll want to cut down for their sake.",
                    "persuasion",
                    "Using his love as a lever is persuasion. He hears that you have already decided he is "
                    "the problem.",
                    "defend",
                ),
                r(
                    "What's a usual evening like at yours when Jodie's on nights?",
                    "open_question",
                    "An open question about ordinary life. It keeps the focus on the children's evening "
                    "without accusing him.",
                    "evening",
                ),
            ],
            open_=2,
        ),
        p(
            "defend",
            "So I'm on trial now? I don't have to talk to you. I'm not having you lot take my kids over a "
            "couple of beers.",
            "sustain",
            [
                r(
                    "You're worried this is about taking the children away.",
                    "simple_reflection",
                    "Reflecting the fear behind the anger. It lets you address it honestly instead of "
                    "arguing about the beers.",
                    "fear",
                ),
                r(
                    "This is serious, Craig. If you don't engage, things will escalate.",
                    "confrontation",
                    "A warning when he is already defensive. He hears a threat and stops talking.",
                    "shutdown",
                ),
                r(
                    "You don't have to talk to me, that's your choice. I'd like to hear your side, because "
                    "right now I only have other people's.",
                    "emphasising_autonomy",
                    "Emphasising autonomy takes the fight out of it, and you stay honest that there are "
                    "concerns to talk about.",
                    "unfair",
                ),
            ],
            ready=-1,
            open_=-2,
        ),
        p(
            "counting",
            "I don't count them. Four, five maybe. Same as my dad did, and we turned out alright.",
            "sustain",
            [
                r(
                    "Drinking in the evening is part of how things have always been in your family.",
                    "complex_reflection",
                    "A complex reflection that makes the pattern visible without judging it, and opens "
                    "the door to what it was like for him as a child.",
                    "dad",
                ),
                r(
                    "Five cans a night is well over the recommended limit.",
                    "giving_information",
                    "Information given unasked, as a correction. It starts an argument about numbers.",
                    "defend",
                    override="inconsistent",
                    reason="Unsolicited information delivered as a correction is the righting reflex, "
                    "whatever its code.",
                ),
                r(
                    "What do you get from a drink at the end of the day?",
                    "open_question",
                    "Asking about the good things first is honest: people drink for reasons. It often "
                    "leads to the not-so-good things.",
                    "switch-off",
                ),
            ],
            open_=-1,
        ),
        p(
            "evening",
            "Jodie's out by seven. I do their tea, bath, bed. Then I have my cans in front of the telly. "
            "Sometimes I nod off on the sofa, so what?",
            "neutral",
            [
                r(
                    "You've got the evenings covered, and once they're down that's your time to switch off.",
                    "complex_reflection",
                    "Reflects what he does well and the function of the drink. Good, though Maisie's "
                    "worry still has to come into the conversation.",
                    "switch-off",
                ),
                r(
                    "Can I tell you what Maisie said at school? I think you'd want to know.",
                    "giving_information",
                    "Asking permission before sharing the concern. This is good authority: the child's "
                    "experience enters the conversation, and Craig keeps some control.",
                    "maisie",
                ),
                r(
                    "Passing out with two small children in the house is neglect.",
                    "confrontation",
                    "Labelling. It may be right to name the risk, but as a label it shuts the conversation "
                    "down before he has heard what his daughter saw.",
                    "shutdown",
                ),
            ],
        ),
        p(
            "switch-off",
            "It switches my head off. Work's been rubbish since they cut the overtime. A drink's the only "
            "thing that gets me to sleep.",
            "sustain",
            [
                r(
                    "The drink has become how you cope with the stress and get to sleep.",
                    "complex_reflection",
                    "Reflecting the function of the drinking. Craig can now look at it without having "
                    "to defend it.",
                    "crept-up",
                ),
                r(
                    "You should see your GP about the sleep instead.",
                    "advice_without_permission",
                    "Advice without permission, however sensible, tells him you are not really listening.",
                    "doubt",
                ),
            ],
        ),
        p(
            "love",
            "They're everything to me. Maisie's my little shadow. I'd never let anything happen to them.",
            "change",
            [
                r(
                    "What would you want Maisie to remember about her dad when she's grown up?",
                    "open_question",
                    "An evocative open question that invites him to talk about his own values and hopes.",
                    "remember",
                ),
                r(
                    "Keeping them safe matters to you more than anything. Can I tell you what Maisie said "
                    "to her teacher?",
                    "giving_information",
                    "You link his value (their safety) to the concern, and ask before sharing. Good "
                    "authority with partnership.",
                    "maisie",
                ),
            ],
            kind="reasons",
            ready=1,
            open_=1,
        ),
        p(
            "fear",
            "Course I'm worried. You hear stories. One mistake and they're gone.",
            "neutral",
            [
                r(
                    "Most children we work with stay at home. My job is to make sure Maisie and Leo are safe "
                    "at home, and to do that I need to understand what happens in the evenings.",
                    "giving_information",
                    "Honest information that answers his fear, and a clear statement of purpose: you are "
                    "there for the children's safety.",
                    "evening",
                ),
                r(
                    "So has there been a mistake?",
                    "closed_question",
                    "A closed question that sounds like a trap. He goes back to defending himself.",
                    "defend",
                ),
            ],
            open_=1,
        ),
        p(
            "dad",
            "My dad liked a drink. He was alright. Mostly. Mum used to send us to our rooms when he'd had a "
            "few.",
            "neutral",
            [
                r(
                    "You remember what it was like being a kid in a house where Dad had had a few.",
                    "complex_reflection",
                    "A complex reflection that connects his childhood with his children's. Let him make "
                    "the link.",
                    "remember",
                ),
                r(
                    "And now Maisie is in the same position you were. You can see that, surely?",
                    "persuasion",
                    "Making the link for him, as an argument. He will argue back.",
                    "defend",
                ),
            ],
        ),
        p(
            "crept-up",
            "I suppose it has crept up. I never used to need it to sleep.",
            "change",
            [
                r(
                    "What worries you about it creeping up?",
                    "open_question",
                    "An open question that invites more change talk, in his words.",
                    "noticed",
                ),
                r(
                    "Try camomile tea and cut down gradually.",
                    "advice_without_permission",
                    "Jumping to solutions just as he starts to look at it. The righting reflex.",
                    "doubt",
                ),
            ],
            kind="need",
            ready=1,
        ),
        p(
            "remember",
            "I don't want them to remember me like that. I want to be the dad who takes them to the park, "
            "not "
            "the one asleep on the sofa.",
            "change",
            [
                r(
                    "You want to be fully there for them, awake and present.",
                    "complex_reflection",
                    "Reflecting his desire back, a little stronger. Change talk grows when it is reflected.",
                    "noticed",
                ),
                r(
                    "Then stop drinking when you're looking after them. Simple.",
                    "advice_without_permission",
                    "He was getting there himself. Advice now takes the decision away from him.",
                    "doubt",
                ),
            ],
            kind="desire",
            ready=2,
            open_=1,
        ),
        p(
            "maisie",
            "She said what? She's seven, she makes things up. I was just tired.",
            "sustain",
            [
                r(
                    "It's hard to hear that Maisie noticed.",
                    "simple_reflection",
                    "A simple reflection that stays with his feeling rather than arguing about whether "
                    "Maisie is right.",
                    "noticed",
                ),
                r(
                    "Children don't make these things up. You need to face this.",
                    "persuasion",
                    "Arguing the case. Even when the facts are on your side, he now has to defend himself "
                    "against you rather than think about Maisie.",
                    "shutdown",
                ),
            ],
            open_=-1,
        ),
        p(
            "noticed",
            "She came down once because Leo had been sick. I didn't wake up. She cleaned him up herself. "
            "She's "
            "seven.",
            "change",
            [
                r(
                    "That shook you when you realised: Maisie had to be the grown-up that night.",
                    "complex_reflection",
                    "A complex reflection of the meaning. It keeps the child at the centre without blame.",
                    "need",
                ),
                r(
                    "It took courage to tell me that.",
                    "affirmation",
                    "Affirming his honesty makes it safer to keep talking about what happened.",
                    "need",
                ),
                r(
                    "Right, so you need to stop drinking when you're in charge of them.",
                    "advice_without_permission",
                    "The risk is real, but telling him what to do now takes over just as he is facing it.",
                    "pushed",
                ),
            ],
            kind="reasons",
            ready=2,
            open_=1,
        ),
        p(
            "need",
            "I can't have that happen again. If something happened to Leo while I was out of it... I'd never "
            "forgive myself.",
            "change",
            [
                r(
                    "What would need to be different on the nights Jodie works?",
                    "open_question",
                    "An evoking question about change, asked once he has said he needs it.",
                    "ideas",
                ),
                r(
                    "So the drink helps you switch off and sleep, the nights on your own are the hardest, "
                    "and "
                    "what happened with Leo has really shaken you. You don't want Maisie looking after him "
                    "again.",
                    "summary",
                    "A summary that gathers his change talk into one bouquet, and keeps the children in it.",
                    "ideas",
                ),
                r(
                    "I'll be referring you to the drug and alcohol service, and we'll need a safety plan by "
                    "Friday.",
                    "advice_without_permission",
                    "A plan may be needed, but announcing it takes the decision from him when he was about "
                    "to make it himself.",
                    "pushed",
                ),
            ],
            kind="need",
            ready=2,
        ),
        p(
            "ideas",
            "I could not drink on Jodie's nights. That's three nights. I did dry January last year, I can "
            "do it.",
            "change",
            [
                r(
                    "You've done it before, so you know you can.",
                    "affirmation",
                    "Affirming his past success builds confidence (ability) for this change.",
                    "plan",
                ),
                r(
                    "Would it help to hear what other dads have found useful on those nights?",
                    "advice_with_permission",
                    "Advice offered with permission keeps him in charge of the plan.",
                    "plan",
                ),
                r(
                    "Are you sure you can manage that?",
                    "closed_question",
                    "Doubting him out loud undermines the confidence he just showed.",
                    "doubt",
                ),
            ],
            kind="ability",
            ready=1,
        ),
        p(
            "plan",
            "Alright. No drink on Jodie's nights. And I'll tell Jodie what happened with Leo. She doesn't "
            "know.",
            "change",
            [
                r(
                    "So you've decided: no drinking on nights you're alone with the children, and you'll "
                    "tell "
                    "Jodie. I'll share the plan with my manager and check in with the school, and if it "
                    "isn't "
                    "working we'll need to talk again about what keeps Maisie and Leo safe.",
                    "summary",
                    "A summary of his commitment, with honesty about what you will do and what happens if "
                    "the plan does not hold. Good authority in an MI spirit.",
                    "end-plan",
                ),
                r(
                    "That's a start, but really you need to stop altogether.",
                    "persuasion",
                    "Raising the bar the moment he commits. He hears that nothing he offers is enough.",
                    "doubt",
                ),
            ],
            kind="commitment",
            ready=2,
            open_=1,
        ),
        p(
            "doubt",
            "See, nothing I say is good enough for you people.",
            "sustain",
            [
                r(
                    "It feels like whatever you offer, we want more.",
                    "simple_reflection",
                    "Reflecting the discord instead of defending yourself lets the conversation recover.",
                    "ideas",
                ),
                r(
                    "It's not about being good enough, it's about the children's safety.",
                    "confrontation",
                    "True, and it needs saying at some point, but said as a rebuttal it ends the "
                    "conversation.",
                    "end-stalled",
                ),
            ],
            ready=-1,
            open_=-1,
        ),
        p(
            "pushed",
            "Hang on, a referral? I didn't say I had a problem. You've twisted what I said.",
            "sustain",
            [
                r(
                    "You feel I jumped ahead of you.",
                    "simple_reflection",
                    "Owning the discord with a reflection repairs the relationship.",
                    "ideas",
                ),
                r(
                    "You just told me your seven-year-old had to clean up her brother.",
                    "confrontation",
                    "Throwing his own words back as evidence. He will not trust you with the next thing.",
                    "shutdown",
                ),
            ],
            ready=-2,
            open_=-1,
        ),
        p(
            "shutdown",
            "I think you should leave. Talk to my solicitor if you want anything else.",
            "sustain",
            [
                r(
                    "I'll go. I want to be straight with you: I still have to follow up what the school "
                    "told us, "
                    "and I'd rather do that with you than around you. Can I come back on Thursday?",
                    "emphasising_autonomy",
                    "You respect his choice to end the visit and stay clear that the concern does not go "
                    "away. "
                    "This keeps a door open.",
                    "end-door-open",
                ),
                r(
                    "If you won't work with me, I'll have to take this further.",
                    "confrontation",
                    "A threat at the door. Sometimes escalation is right, but as a parting shot it makes "
                    "the next contact harder.",
                    "end-closed",
                ),
            ],
            ready=-1,
            open_=-3,
        ),
        end(
            "end-plan",
            "Craig made a plan for Jodie's nights",
            "engaged",
            "Craig moved from 'a few cans' to his own plan: no drinking on the nights he is alone with the "
            "children, and telling Jodie what happened with Leo. He got there because you reflected more "
            "than "
            "you asked, affirmed what he does well, and raised Maisie's experience with permission. You also "
            "stayed clear that the plan will be checked and shared: MI with good authority. Next: review the "
            "plan with Craig and Jodie together, and talk to the school about support for Maisie.",
            "Thursday then. I'll have told Jodie by then.",
        ),
        end(
            "end-door-open",
            "The visit ended, with the door open",
            "mixed",
            "Craig ended the visit, but you left honestly: the concern is still there and you will come "
            "back. "
            "Look at the moments where he became defensive. Which responses came just before? Confronting, "
            "labelling and warning usually raise discord; reflections and emphasising his autonomy lower it. "
            "The children's safety has not been assessed yet: plan the next visit with your manager.",
        ),
        end(
            "end-closed",
            "Craig shut the door",
            "disengaged",
            "The conversation ended in discord and with a threat, and you know little more about the "
            "children's "
            "evenings than when you arrived. Concerns about the children may now need escalating without his "
            "cooperation, which is harder for everyone, Maisie included. Try again: when Craig defends the "
            "drinking, reflect rather than argue.",
        ),
        end(
            "end-stalled",
            "Stalled: Craig stopped engaging",
            "disengaged",
            "Craig had started to talk about change, but felt that nothing he offered was enough. Being "
            "clear "
            "about the children's safety is essential; doing it as a rebuttal turned it into an argument. "
            "Reflect the discord first, then be clear.",
        ),
    ],
)


KERRY = document(
    slug="kerry-it-was-an-argument",
    title="Kerry: “it was just an argument”",
    summary="A mother who minimises the domestic abuse she is experiencing. Practise staying alongside her "
    "without colluding, and keeping Tyler and Ruby in view.",
    persona={
        "name": "Kerry",
        "situation": "Kerry Wells, 29. Police have attended the flat twice in three months after neighbours "
        "heard shouting and smashing. You are visiting at a time her partner Jason is at the job centre.",
        "family_context": "Kerry lives with Jason (33, Ruby's father) and her children Tyler (9) and Ruby "
        "(2). "
        "Kerry's own mother had her children removed when Kerry was eight.",
        "concerns": "Police saw a bruise on Kerry's face; she said she fell. Tyler told his teacher he saw "
        "Jason "
        "push Mum into the door, and he has started wetting the bed again. Ruby was in Kerry's arms during "
        "the "
        "last incident. The worry is the children's exposure to domestic abuse and the risk to Kerry.",
    },
    initial_state={"readiness": 2, "openness": 4},
    minimum_profile={"mi_consistent_percent": None, "reflections_per_question": None},
    start="open",
    nodes=[
        p(
            "open",
            "He's not here, if that's what you're asking. Look, the police made a big thing of nothing. "
            "Couples "
            "argue. We're fine now.",
            "sustain",
            [
                r(
                    "It feels like a lot of fuss about something you and Jason have put behind you.",
                    "complex_reflection",
                    "Reflects her view without agreeing with it. Minimising is often protective; meeting it "
                    "with understanding keeps her talking.",
                    "fuss",
                ),
                r(
                    "The police saw a bruise on your face. That isn't nothing.",
                    "confrontation",
                    "Confronting the minimising puts her in the position of defending Jason, and herself.",
                    "fell",
                ),
                r(
                    "Tell me about what's been happening at home lately.",
                    "open_question",
                    "An open invitation. It lets her tell it her way first.",
                    "stress",
                ),
            ],
        ),
        p(
            "fuss",
            "Exactly. He's been under a lot of pressure. He's lovely with Ruby. He's not some monster.",
            "neutral",
            [
                r(
                    "There's a lot about Jason you love, and it's hard when people only see the worst of "
                    "him.",
                    "complex_reflection",
                    "A complex reflection of her ambivalence. It is not agreement that things are fine.",
                    "good-side",
                ),
                r(
                    "Lots of abusive men are lovely some of the time. That's how it works.",
                    "persuasion",
                    "Educating her, unasked, about her own relationship. She hears that you think she is "
                    "naive.",
                    "defend",
                ),
            ],
            open_=1,
        ),
        p(
            "fell",
            "I told them, I slipped on Ruby's toys. Why does nobody believe me?",
            "sustain",
            [
                r(
                    "It's exhausting having to explain yourself again and again.",
                    "simple_reflection",
                    "Reflecting the feeling rather than the claim. You neither accept nor dispute the fall.",
                    "tired",
                ),
                r(
                    "So Jason didn't touch you?",
                    "closed_question",
                    "A direct closed question she can only deny. It pushes her into a corner.",
                    "defend",
                ),
            ],
            open_=-2,
        ),
        p(
            "stress",
            "He lost his job in March. He's drinking more. When he's stressed he shouts, I shout back, it "
            "gets "
            "out of hand. It's six of one.",
            "neutral",
            [
                r(
                    "Things have been getting more heated since March, and you feel you're part of it too.",
                    "complex_reflection",
                    "Reflects her account accurately. Later you can be clear that the violence is Jason's "
                    "responsibility, not hers.",
                    "tired",
                ),
                r(
                    "You need to leave him. You don't deserve this.",
                    "advice_without_permission",
                    "Well meant, but telling a woman to leave is advice without permission, and leaving is "
                    "often the most dangerous time. She will defend the relationship.",
                    "defend",
                ),
                r(
                    "Can I share something the school told us about Tyler?",
                    "giving_information",
                    "Asking permission to bring the children's experience in. Good authority in an MI "
                    "spirit.",
                    "tyler",
                ),
            ],
        ),
        p(
            "good-side",
            "When it's good, it's really good. He does Ruby's bath every night. I just want the old Jason "
            "back.",
            "neutral",
            [
                r(
                    "You want the family you had before, and you're holding on to the good times.",
                    "complex_reflection",
                    "Reflecting the hope. It often surfaces the wish for the harm to stop.",
                    "hope",
                ),
                r(
                    "What's it like for Tyler and Ruby when it's not good?",
                    "open_question",
                    "An open question that brings the children into view without accusing her.",
                    "children",
                ),
            ],
            open_=1,
        ),
        p(
            "defend",
            "You lot are all the same. You'll write me down as a bad mum and take the kids off me.",
            "sustain",
            [
                r(
                    "You're scared of losing the children.",
                    "simple_reflection",
                    "Naming the fear lets you respond to it honestly.",
                    "scared",
                ),
                r(
                    "If you don't protect the children, we will have to.",
                    "confrontation",
                    "A threat that confirms her fear. She is likely to hide the abuse from you now, which "
                    "makes her and the children less safe.",
                    "shut",
                ),
            ],
            ready=-1,
            open_=-3,
        ),
        p(
            "tired",
            "I'm so tired. I walk on eggshells. I don't go to sleep until I know he's asleep.",
            "neutral",
            [
                r(
                    "You're on guard all the time, even at night.",
                    "complex_reflection",
                    "Reflecting the hypervigilance she has described, without naming it as abuse for her.",
                    "eggshells",
                ),
                r(
                    "You've been holding everything together for the children under a lot of strain.",
                    "affirmation",
                    "A genuine affirmation of how she has protected the children.",
                    "children",
                ),
            ],
            open_=1,
        ),
        p(
            "tyler",
            "What about Tyler? He's fine. He's nine, he stays in his room with his headphones on.",
            "sustain",
            [
                r(
                    "Tyler told his teacher he saw Jason push you into the door, and he's wetting the bed "
                    "again. "
                    "Children hear a lot more than we think, even with headphones on.",
                    "giving_information",
                    "Clear, factual information about the child, given with permission and without blame. "
                    "This is the concern she needs to hear.",
                    "children",
                ),
                r(
                    "Headphones don't protect him. He's being harmed by this.",
                    "persuasion",
                    "Arguing with her. The point is right; the way of making it invites her to argue back.",
                    "defend",
                ),
            ],
        ),
        p(
            "children",
            "He's been wetting the bed again... I thought it was school. And Ruby cries when Jason raises "
            "his "
            "voice. She was in my arms that night.",
            "change",
            [
                r(
                    "You've been seeing the signs in both of them, and it's frightening to put it together.",
                    "complex_reflection",
                    "A complex reflection that keeps both children at the centre and meets her with "
                    "compassion.",
                    "eggshells",
                ),
                r(
                    "Do you think that's normal for a nine-year-old?",
                    "closed_question",
                    "A rhetorical closed question: a lecture in disguise.",
                    "defend",
                    override="inconsistent",
                    reason="A rhetorical question that makes a point rather than asks is persuasion in "
                    "disguise.",
                ),
            ],
            kind="reasons",
            ready=2,
        ),
        p(
            "scared",
            "Wouldn't you be? My mum had us taken off her. I swore that would never happen to mine.",
            "neutral",
            [
                r(
                    "That matters so much to you. I'll be honest: my job is to make sure Tyler and Ruby are "
                    "safe, and most of the time we do that with mums, not against them. I'm worried about "
                    "what "
                    "they're seeing at home.",
                    "giving_information",
                    "Honest about your role and your concern, and clear that you want to work with her. "
                    "Good authority without threat.",
                    "children",
                ),
                r(
                    "Were you in care yourself, then?",
                    "closed_question",
                    "Following your curiosity rather than her concern. Not harmful, but it loses the moment.",
                    "good-side",
                ),
            ],
            open_=2,
        ),
        p(
            "eggshells",
            "I can't keep living like this. But where would I even go? It's his flat. I've got no money.",
            "change",
            [
                r(
                    "Part of you knows something has to change, and part of you can't see how.",
                    "complex_reflection",
                    "A double-sided reflection of her ambivalence, with the change side last.",
                    "options",
                ),
                r(
                    "You can go to a refuge tonight. I'll ring them now.",
                    "advice_without_permission",
                    "Taking over. Unplanned leaving can increase the danger, and the decision is not yours.",
                    "panic",
                ),
                r(
                    "Could we think together about what would make you and the children safer, whatever you "
                    "decide about Jason?",
                    "seeking_collaboration",
                    "Seeking collaboration on safety, separate from the decision about the relationship.",
                    "options",
                ),
            ],
            kind="need",
            ready=2,
        ),
        p(
            "hope",
            "I just want it to stop. I want the kids to have a normal home.",
            "change",
            [
                r(
                    "What would a normal home look like for Tyler and Ruby?",
                    "open_question",
                    "Evoking her picture of the future keeps the children in view.",
                    "eggshells",
                ),
                r(
                    "It won't stop while he's living there.",
                    "persuasion",
                    "She has just voiced a wish for change; arguing the conclusion for her turns it into a "
                    "debate.",
                    "defend",
                ),
            ],
            kind="desire",
            ready=1,
        ),
        p(
            "options",
            "My sister's said we can stay with her any time. I've never told her everything, though.",
            "change",
            [
                r(
                    "Your sister sounds like someone in your corner.",
                    "affirmation",
                    "Affirming her support network builds her confidence to use it.",
                    "plan",
                ),
                r(
                    "Would it help to hear about the domestic abuse practitioner in our team? She works "
                    "with mums "
                    "in just this situation, on their terms.",
                    "advice_with_permission",
                    "Offering the specialist with permission. The Family Safeguarding team works together.",
                    "plan",
                ),
            ],
            kind="ability",
            ready=2,
            open_=1,
        ),
        p(
            "plan",
            "Okay. I'll talk to my sister. And I'll see this domestic abuse worker. But Jason can't know.",
            "change",
            [
                r(
                    "You'll talk to your sister and meet our domestic abuse practitioner, and we'll keep "
                    "that safe "
                    "from Jason. I need to be honest too: I have to share what Tyler said with my manager, "
                    "and if "
                    "you or the children are in danger on any night, ring 999. That's part of our plan.",
                    "summary",
                    "A summary of her commitment with clear, honest boundaries about information sharing and "
                    "immediate safety. MI with good authority.",
                    "end-safety-plan",
                ),
                r(
                    "Fine, but I'll also need to let Jason know we're involved.",
                    "giving_information",
                    "Telling the person causing harm before there is a safety plan can put Kerry and the "
                    "children at greater risk.",
                    "end-unsafe",
                    override="inconsistent",
                    reason="Disclosing to the alleged perpetrator before safety planning is unsafe practice "
                    "and overrides her stated concern.",
                ),
            ],
            kind="commitment",
            ready=2,
        ),
        p(
            "panic",
            "Tonight? No. No way. He'd go mad if I just disappeared. You're making it worse.",
            "sustain",
            [
                r(
                    "Leaving suddenly feels more dangerous, not less.",
                    "simple_reflection",
                    "Reflecting her assessment of risk. She knows her situation best.",
                    "options",
                ),
                r(
                    "Staying is what's dangerous.",
                    "confrontation",
                    "Overriding her judgement about her own safety.",
                    "shut",
                ),
            ],
            ready=-2,
            open_=-2,
        ),
        p(
            "shut",
            "I want you to go. And don't come back when he's here.",
            "sustain",
            [
                r(
                    "I'll go. What happens with Jason is your decision. What I can't set aside is Tyler and "
                    "Ruby's "
                    "safety, so I will come back, on a day he's out. Here's my number and the 24-hour "
                    "helpline.",
                    "emphasising_autonomy",
                    "Respecting her autonomy about the relationship while being clear that the children's "
                    "safety "
                    "is not optional, and leaving her a safe route to help.",
                    "end-door-open",
                ),
                r(
                    "You'll regret it if something happens to the children.",
                    "persuasion",
                    "A parting threat. She is less likely to call you if things get worse.",
                    "end-closed",
                ),
            ],
            open_=-3,
        ),
        end(
            "end-safety-plan",
            "Kerry agreed first steps to safety",
            "engaged",
            "Kerry moved from 'just an argument' to naming what the children are living with, and chose her "
            "own first steps: her sister and the domestic abuse practitioner. You did not tell her to "
            "leave, and "
            "you did not collude: you were honest about Tyler's disclosure, information sharing and "
            "immediate "
            "safety. Next: a joint visit with the domestic abuse practitioner when Jason is out, and "
            "support for "
            "Tyler in school.",
            "Thank you for not making me feel stupid.",
        ),
        end(
            "end-door-open",
            "The visit ended, with a safe way back",
            "mixed",
            "Kerry asked you to go, and you left her a safe route to help and a clear message that the "
            "children's safety matters. Look at what raised her defensiveness: being told what Jason is, "
            "being "
            "told to leave, threats. Discuss the risk with your manager and the domestic abuse practitioner "
            "today; do not wait for the next visit to share Tyler's disclosure.",
        ),
        end(
            "end-closed",
            "Kerry closed the door",
            "disengaged",
            "Kerry ended the conversation feeling judged and threatened. She is now less likely to tell "
            "anyone "
            "when things get worse, which makes her and the children less safe. Share the concerns with your "
            "manager today. Try again: when she minimises, reflect; when you raise the children, ask first.",
        ),
        end(
            "end-unsafe",
            "The plan became unsafe",
            "disengaged",
            "Kerry had agreed a plan, but telling Jason before there was a safety plan put her and the "
            "children "
            "at risk, and she withdrew. Information sharing must be thought through with the domestic abuse "
            "practitioner and your manager: never disclose to the person causing harm without a safety plan.",
            "You can't tell him. Please. Just forget I said anything.",
        ),
    ],
)


DONNA = document(
    slug="donna-mornings",
    title="Donna: “I can't drag him there”",
    summary="A mother with depression whose son has stopped going to school. Practise empathy with a parent "
    "who is struggling, while asking directly about risk and keeping both children in view.",
    persona={
        "name": "Donna",
        "situation": "Donna Price, 44, single parent. She has had depression since her mother died a year "
        "ago "
        "and stopped her antidepressants in the spring. The school asked for this visit.",
        "family_context": "Donna lives with her children Kai (13) and Lily (8). Their father lives in "
        "Scotland "
        "and has little contact. Donna's mother used to help with the school run every day.",
        "concerns": "Kai's attendance is 61% this term; he told his form tutor he has to look after his mum. "
        "Lily often arrives late and hungry. The worries are Kai's education and his caring role, Lily's "
        "basic "
        "care, and Donna's mental health, including whether she is at risk.",
    },
    initial_state={"readiness": 3, "openness": 4},
    minimum_profile={"mi_consistent_percent": 60, "reflections_per_question": None},
    start="open",
    nodes=[
        p(
            "open",
            "I know, I know. Kai's not been going in. He's thirteen, I can't drag him there. The school's "
            "always "
            "on my back.",
            "sustain",
            [
                r(
                    "It feels like everyone expects you to fix something you can't control.",
                    "complex_reflection",
                    "A complex reflection of how it feels to her. It takes the pressure off before anything "
                    "else.",
                    "tired",
                ),
                r(
                    "You are legally responsible for his attendance. You could be fined.",
                    "persuasion",
                    "Facts used as a threat. A depressed parent who already feels she is failing hears "
                    "confirmation of it.",
                    "defend",
                ),
                r(
                    "What's a typical morning like at the moment?",
                    "open_question",
                    "An open question about the ordinary day. It will tell you a lot about both children.",
                    "morning",
                ),
            ],
        ),
        p(
            "tired",
            "I'm just so tired. Everything's an effort. Since Mum died I can't get going in the mornings.",
            "neutral",
            [
                r(
                    "Losing your mum has taken the energy out of everything, mornings most of all.",
                    "complex_reflection",
                    "Connecting the grief and the mornings. Donna feels understood.",
                    "grief",
                ),
                r(
                    "Have you thought about going back to your GP?",
                    "advice_without_permission",
                    "Advice dressed as a question, too early. She has probably heard it many times.",
                    "tablets",
                    override="inconsistent",
                    reason="Coded as advice: 'Have you thought about...' is a suggestion, not a question.",
                ),
            ],
            open_=1,
        ),
        p(
            "morning",
            "I don't get up most days. Kai does Lily's breakfast and gets her out. He says he'll go in "
            "after, but "
            "he doesn't.",
            "neutral",
            [
                r(
                    "Kai's getting Lily ready in the mornings.",
                    "simple_reflection",
                    "A simple reflection that notices Kai's caring role without judging Donna.",
                    "kai",
                ),
                r(
                    "So Kai is doing the parenting because you're not getting up.",
                    "confrontation",
                    "Accurate, and devastating. Shame makes change harder, not easier.",
                    "defend",
                ),
            ],
        ),
        p(
            "defend",
            "Don't you think I know I'm a rubbish mum? I don't need you telling me.",
            "sustain",
            [
                r(
                    "You're already hard on yourself, and people pointing it out only makes it heavier.",
                    "complex_reflection",
                    "Reflecting the self-criticism rather than adding to it, or arguing with it.",
                    "tired",
                ),
                r(
                    "Then you need to pull yourself together for the kids.",
                    "persuasion",
                    "Persuasion, and a misunderstanding of depression. She disengages.",
                    "shut",
                ),
            ],
            ready=-1,
            open_=-2,
        ),
        p(
            "grief",
            "She used to come round every morning and do the school run with me. Now it's just quiet. Some "
            "days "
            "I don't see the point.",
            "neutral",
            [
                r(
                    "When you say you don't see the point, are you having thoughts of ending your life?",
                    "closed_question",
                    "Asking directly about suicide is safe and necessary. It does not put the idea in her "
                    "head, "
                    "and it shows you can hear the worst. Good authority.",
                    "safety",
                ),
                r(
                    "It's very quiet without her.",
                    "simple_reflection",
                    "A kind reflection, but 'I don't see the point' is a risk cue. You must ask about it.",
                    "kai",
                ),
                r(
                    "You should try bereavement counselling.",
                    "advice_without_permission",
                    "Advice that steps past what she has just told you, including the risk.",
                    "tablets",
                ),
            ],
            open_=1,
        ),
        p(
            "safety",
            "No. God, no. I'd never do that to the kids. I just feel flat. Like I'm underwater.",
            "neutral",
            [
                r(
                    "The children are what hold you here, even when everything feels flat.",
                    "complex_reflection",
                    "Reflecting her reasons for living, and bringing the children in.",
                    "kai",
                ),
                r(
                    "Thank you for telling me honestly. That can't be easy.",
                    "affirmation",
                    "Affirming her honesty about something hard.",
                    "meds",
                ),
            ],
            open_=1,
        ),
        p(
            "kai",
            "Kai's a good lad. He shouldn't be doing all this. He's missing his mates, his football.",
            "change",
            [
                r(
                    "You can see Kai is giving up being thirteen to look after things at home.",
                    "complex_reflection",
                    "A complex reflection that names the young carer role kindly.",
                    "want",
                ),
                r(
                    "Can I tell you what the school have noticed?",
                    "giving_information",
                    "Asking permission to share the school's concerns.",
                    "school",
                ),
                r(
                    "Exactly, so you need to get up and do the mornings yourself.",
                    "persuasion",
                    "Turning her change talk into a demand. She feels judged.",
                    "defend",
                ),
            ],
            kind="reasons",
            ready=1,
        ),
        p(
            "tablets",
            "I tried the tablets. They made me feel like a zombie, so I stopped them.",
            "sustain",
            [
                r(
                    "The tablets took away the bad feelings and the good ones, and that felt worse.",
                    "complex_reflection",
                    "Reflecting her experience of medication without arguing for it.",
                    "meds",
                ),
                r(
                    "You need to go back on them. You can't just stop.",
                    "advice_without_permission",
                    "A medical instruction she did not ask for.",
                    "defend",
                ),
            ],
            ready=-1,
        ),
        p(
            "meds",
            "Maybe there's a different one. The GP did say to come back if they didn't suit.",
            "change",
            [
                r(
                    "What would make it easier to go back to the GP?",
                    "open_question",
                    "An open question about how, not whether: it builds on her own idea.",
                    "steps",
                ),
                r(
                    "Will you book it today?",
                    "closed_question",
                    "Pressing for a commitment before she is ready.",
                    "pressure",
                ),
            ],
            kind="ability",
            ready=1,
        ),
        p(
            "school",
            "Go on then. What have they said now?",
            "neutral",
            [
                r(
                    "Kai's attendance is 61% this term, and he told his tutor he has to look after you. "
                    "Lily is "
                    "often late and hungry. They're worried about both of them, and so am I.",
                    "giving_information",
                    "Clear, specific and honest about both children, after asking permission. Good "
                    "authority.",
                    "shock",
                ),
                r(
                    "They say Kai is a young carer now and Lily is being neglected.",
                    "confrontation",
                    "Labels instead of information. 'Neglected' will be all she hears.",
                    "defend",
                ),
            ],
        ),
        p(
            "shock",
            "Sixty-one... I didn't know it was that bad. And Lily hungry. That's not okay. That's not who I "
            "am.",
            "change",
            [
                r(
                    "Hearing it put like that, it doesn't fit with the mum you want to be.",
                    "complex_reflection",
                    "Reflecting the gap between her values and what is happening, which fuels change.",
                    "want",
                ),
                r(
                    "So make sure she has breakfast.",
                    "advice_without_permission",
                    "A quick fix that skips her feelings and the depression behind the mornings.",
                    "defend",
                ),
            ],
            kind="need",
            ready=2,
        ),
        p(
            "want",
            "I want Kai back at school. I want to be up and dressed when Lily comes down. I just don't know "
            "where to start.",
            "change",
            [
                r(
                    "Shall we work out a first step together?",
                    "seeking_collaboration",
                    "Seeking collaboration: she leads, you help.",
                    "steps",
                ),
                r(
                    "Set an alarm and put their uniforms out the night before.",
                    "advice_without_permission",
                    "Practical, but unasked, and it ignores the depression.",
                    "pressure",
                ),
            ],
            kind="desire",
            ready=1,
            open_=1,
        ),
        p(
            "steps",
            "I could ring the GP tomorrow. And maybe the school could do a plan with Kai, so he's not going "
            "back "
            "to a pile of detentions.",
            "change",
            [
                r(
                    "Those are two clear steps, and you thought of both of them.",
                    "affirmation",
                    "Affirming her ideas builds her confidence.",
                    "plan",
                ),
                r(
                    "So: the GP about different tablets, and a plan with school so Kai can go back without "
                    "being "
                    "punished for caring for you.",
                    "summary",
                    "A summary that collects her plan in her words.",
                    "plan",
                ),
            ],
            kind="ability",
            ready=1,
        ),
        p(
            "plan",
            "I'll ring the GP at eight. Will you come to the school meeting with me?",
            "change",
            [
                r(
                    "Yes, I'll come. I'll also ask our mental health practitioner to see you, let the "
                    "school know "
                    "Kai is a young carer so he gets support, and check in with you on Friday about the GP.",
                    "seeking_collaboration",
                    "Working alongside her, and clear about what you will do to keep both children in view.",
                    "end-plan",
                ),
                r(
                    "I can't come, but here's a leaflet about young carers.",
                    "giving_information",
                    "Information is not support. She asked for you to be there.",
                    "end-leaflet",
                ),
            ],
            kind="commitment",
            ready=2,
        ),
        p(
            "pressure",
            "I'll see. I've had a hundred people telling me what to do.",
            "sustain",
            [
                r(
                    "You've had plenty of advice. What you haven't had is someone asking what you want.",
                    "complex_reflection",
                    "Reflecting the discord and turning towards her own goals.",
                    "want",
                ),
                r(
                    "If things don't improve, the school will take attendance action.",
                    "persuasion",
                    "A warning when she is already overwhelmed.",
                    "shut",
                ),
            ],
            ready=-1,
            open_=-1,
        ),
        p(
            "shut",
            "I think you should go. I'm not up to this today.",
            "sustain",
            [
                r(
                    "Okay. You've told me today is hard, and I believe you. Before I go I need to know you "
                    "and the "
                    "children are safe tonight, and I'll come back on Thursday. Is there someone who could "
                    "pop in?",
                    "emphasising_autonomy",
                    "Respecting her limit while checking safety and keeping the children in view.",
                    "end-door-open",
                ),
                r(
                    "So you're refusing to work with us?",
                    "closed_question",
                    "A closed question that labels her. The conversation ends in discord.",
                    "end-closed",
                    override="inconsistent",
                    reason="A question that labels the parent as refusing is confrontation in question form.",
                ),
            ],
            ready=-1,
            open_=-3,
        ),
        end(
            "end-plan",
            "Donna has a plan, and help",
            "engaged",
            "Donna moved from 'I can't drag him there' to her own plan: the GP, a return plan for Kai, and "
            "you "
            "at the school meeting. You asked directly about suicide when you heard 'I don't see the point', "
            "which is essential. You named the concerns for both children with permission and without shame. "
            "Next: a young carers assessment for Kai, breakfast club for Lily, and the team's mental health "
            "practitioner.",
            "Eight o'clock. I'll set an alarm.",
        ),
        end(
            "end-leaflet",
            "A plan, but Donna is on her own with it",
            "mixed",
            "Donna found her own steps, which is real progress, but when she asked for support she got a "
            "leaflet. A parent with depression often cannot act on information alone. Consider what the "
            "Family Safeguarding team could offer: the mental health practitioner, a joint visit, school "
            "support.",
        ),
        end(
            "end-door-open",
            "The visit ended early, safely",
            "mixed",
            "Donna ended the visit, but you checked that she and the children would be safe tonight and "
            "agreed "
            "to come back. Look at the moments she shut down: warnings and advice made her feel judged. "
            "Have you "
            "asked about risk? If you missed 'I don't see the point', ask at the next contact.",
        ),
        end(
            "end-closed",
            "Donna closed the door",
            "disengaged",
            "Donna felt labelled, and the conversation ended without knowing whether she is safe, or how Kai "
            "and Lily are. Discuss the concerns with your manager today. Try again: reflect her tiredness, "
            "and "
            "ask directly about risk.",
        ),
    ],
)

SCENARIOS = [CRAIG, KERRY, DONNA]
