use super::*;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn msg(id: &str, date: &str, direction: &str, auto: &str) -> MessageRow {
    MessageRow {
        message_id: id.into(),
        key: id.into(),
        date: Some(t(date).to_rfc3339()),
        date_ts: t(date).timestamp(),
        direction: direction.into(),
        auto_kind: auto.into(),
        ..MessageRow::default()
    }
}

fn with_signal(mut m: MessageRow, state: State, revisit: Option<&str>) -> MessageRow {
    let s = StoredSignal {
        state,
        keep_open: state == State::Open,
        sentence: "the sentence".into(),
        confidence: 0.9,
        revisit_on: revisit.map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()),
        rule: "test".into(),
    };
    m.signal = Some(serde_json::to_string(&s).unwrap());
    m
}

fn open_opp() -> OpportunityRow {
    OpportunityRow {
        id: 1,
        state: "open".into(),
        ..OpportunityRow::default()
    }
}

const RULES: ProposalRules = ProposalRules { quiet_days: 30 };

#[test]
fn dry_up_at_29_and_31_days() {
    let msgs = [msg("q", "2026-01-01T10:00:00Z", "outbound", "none")];
    let p29 = propose(&open_opp(), &msgs, &[], t("2026-01-30T10:00:00Z"), RULES);
    assert_eq!(p29, None);
    let p31 = propose(&open_opp(), &msgs, &[], t("2026-02-01T10:00:00Z"), RULES).unwrap();
    assert_eq!(p31.state, State::Vanished);
    assert_eq!(p31.evidence_message_id.as_deref(), Some("<q>"));
}

#[test]
fn auto_replies_and_reminders_are_not_answers_but_a_human_reply_is() {
    let mut msgs = vec![
        msg("q", "2026-01-01T10:00:00Z", "outbound", "none"),
        msg("ooo", "2026-01-01T10:05:00Z", "inbound", "auto_reply"),
        msg("r", "2026-01-10T10:00:00Z", "outbound", "none"),
    ];
    let now = t("2026-02-15T10:00:00Z");
    assert_eq!(
        propose(&open_opp(), &msgs, &[], now, RULES).unwrap().state,
        State::Vanished
    );
    msgs.push(msg("a", "2026-01-20T10:00:00Z", "inbound", "none"));
    assert_eq!(propose(&open_opp(), &msgs, &[], now, RULES), None);
}

#[test]
fn out_of_office_return_date_delays_the_clock() {
    let mut ooo = msg("ooo", "2026-01-02T10:00:00Z", "inbound", "auto_reply");
    ooo.ooo_until = Some("2026-01-20".into());
    let msgs = [msg("q", "2026-01-01T10:00:00Z", "outbound", "none"), ooo];
    assert_eq!(
        propose(&open_opp(), &msgs, &[], t("2026-02-10T10:00:00Z"), RULES),
        None
    );
    assert!(propose(&open_opp(), &msgs, &[], t("2026-02-20T10:00:00Z"), RULES).is_some());
}

#[test]
fn latest_decisive_message_wins_a_pause_then_a_go_is_won() {
    let msgs = [
        msg("q", "2026-01-01T10:00:00Z", "outbound", "none"),
        with_signal(
            msg("p", "2026-01-05T10:00:00Z", "inbound", "none"),
            State::OnHold,
            Some("2026-03-01"),
        ),
        with_signal(
            msg("w", "2026-01-20T10:00:00Z", "inbound", "none"),
            State::Won,
            None,
        ),
    ];
    let p = propose(&open_opp(), &msgs, &[], t("2026-01-21T10:00:00Z"), RULES).unwrap();
    assert_eq!(p.state, State::Won);
    assert_eq!(p.evidence_message_id.as_deref(), Some("<w>"));
}

#[test]
fn explicit_pause_beats_silence_and_keeps_its_date() {
    let msgs = [
        msg("q", "2026-01-01T10:00:00Z", "outbound", "none"),
        with_signal(
            msg("p", "2026-01-05T10:00:00Z", "inbound", "none"),
            State::OnHold,
            Some("2026-09-01"),
        ),
    ];
    let p = propose(&open_opp(), &msgs, &[], t("2026-05-01T10:00:00Z"), RULES).unwrap();
    assert_eq!(p.state, State::OnHold);
    assert_eq!(p.revisit_on.unwrap().to_string(), "2026-09-01");
}

#[test]
fn rejected_proposal_is_not_made_again_for_the_same_evidence() {
    let msgs = [with_signal(
        msg("w", "2026-01-20T10:00:00Z", "inbound", "none"),
        State::Won,
        None,
    )];
    let rejected = [("won".to_string(), "<w>".to_string())];
    assert_eq!(
        propose(
            &open_opp(),
            &msgs,
            &rejected,
            t("2026-01-21T10:00:00Z"),
            RULES
        ),
        None
    );
}

#[test]
fn revisit_date_arriving_proposes_open() {
    let opp = OpportunityRow {
        state: "on_hold".into(),
        revisit_on: Some("2026-04-15".into()),
        state_changed_at: Some(t("2026-02-01T00:00:00Z").to_rfc3339()),
        ..open_opp()
    };
    assert_eq!(
        propose(&opp, &[], &[], t("2026-04-14T10:00:00Z"), RULES),
        None
    );
    assert_eq!(
        propose(&opp, &[], &[], t("2026-04-15T10:00:00Z"), RULES)
            .unwrap()
            .state,
        State::Open
    );
}

#[test]
fn new_customer_mail_on_a_closed_deal_proposes_reopening() {
    let opp = OpportunityRow {
        state: "lost".into(),
        state_changed_at: Some(t("2026-02-01T00:00:00Z").to_rfc3339()),
        ..open_opp()
    };
    let before = [msg("a", "2026-01-20T10:00:00Z", "inbound", "none")];
    assert_eq!(
        propose(&opp, &before, &[], t("2026-03-01T00:00:00Z"), RULES),
        None
    );
    let after = [msg("b", "2026-02-20T10:00:00Z", "inbound", "none")];
    assert_eq!(
        propose(&opp, &after, &[], t("2026-03-01T00:00:00Z"), RULES)
            .unwrap()
            .state,
        State::Open
    );
}

#[test]
fn messages_after_now_are_not_seen() {
    let msgs = [
        msg("q", "2026-01-01T10:00:00Z", "outbound", "none"),
        with_signal(
            msg("w", "2026-03-20T10:00:00Z", "inbound", "none"),
            State::Won,
            None,
        ),
    ];
    let p = propose(&open_opp(), &msgs, &[], t("2026-02-15T10:00:00Z"), RULES).unwrap();
    assert_eq!(p.state, State::Vanished);
}
