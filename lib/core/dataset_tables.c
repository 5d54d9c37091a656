/* dataset_tables.c — the definition of the data set: code lists, tables, rules.
 *
 * This file is the authority. Adding a field or a code here changes the parser,
 * the validation, the store schema and the generated docs/data-set.md at once. */
#include "dsms/dataset.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CODELIST(var, nm, desc) \
    static const dsms_codelist var = {nm, desc, var##_codes, N(var##_codes)}

static const dsms_code yes_no_codes[] = {{"Y", "yes", NULL}, {"N", "no", NULL}};
CODELIST(yes_no, "yes_no", "Yes or no.");

static const dsms_code sex_codes[] = {
    {"M", "male", NULL}, {"F", "female", NULL}, {"X", "indeterminate or other", NULL}};
CODELIST(sex, "sex", "Sex, as recorded in the client attributor.");

static const dsms_code ethnicity_codes[] = {
    {"A", "White: British", NULL},
    {"B", "White: Irish", NULL},
    {"C", "White: any other White background", NULL},
    {"D", "Mixed: White and Black Caribbean", NULL},
    {"E", "Mixed: White and Black African", NULL},
    {"F", "Mixed: White and Asian", NULL},
    {"G", "Mixed: any other mixed background", NULL},
    {"H", "Asian or Asian British: Indian", NULL},
    {"J", "Asian or Asian British: Pakistani", NULL},
    {"K", "Asian or Asian British: Bangladeshi", NULL},
    {"L", "Asian or Asian British: any other Asian background", NULL},
    {"M", "Black or Black British: Caribbean", NULL},
    {"N", "Black or Black British: African", NULL},
    {"P", "Black or Black British: any other Black background", NULL},
    {"R", "Other ethnic groups: Chinese", NULL},
    {"S", "Other ethnic groups: any other ethnic group", NULL},
    {"Z", "not stated", NULL}};
CODELIST(ethnicity, "ethnicity", "Ethnic category (NHS data dictionary letters).");

static const dsms_code setting_codes[] = {
    {"C", "community", NULL}, {"P", "prison or secure setting", NULL}};
CODELIST(setting, "setting", "Where the episode takes place.");

static const dsms_code referral_source_codes[] = {
    {"self", "self", NULL},
    {"family_friends", "family or friends", NULL},
    {"gp", "GP", NULL},
    {"hospital", "hospital", NULL},
    {"a_and_e", "A&E", NULL},
    {"mental_health", "mental health service", NULL},
    {"social_services", "social services", NULL},
    {"employment_service", "employment service", NULL},
    {"housing_service", "housing service", NULL},
    {"arrest_referral", "arrest referral (test on arrest)", "criminal_justice"},
    {"liaison_diversion", "liaison and diversion", "criminal_justice"},
    {"police", "police", "criminal_justice"},
    {"court_drr", "court (drug rehabilitation requirement)", "criminal_justice"},
    {"probation", "probation", "criminal_justice"},
    {"prison", "prison", "criminal_justice"},
    {"other_treatment", "other treatment provider", NULL},
    {"other", "other", NULL}};
CODELIST(referral_source, "referral_source", "Who referred the client.");

static const dsms_code substance_codes[] = {
    {"heroin", "heroin", "opiate"},
    {"methadone_illicit", "methadone (illicit)", "opiate"},
    {"other_opiates", "other opiates", "opiate"},
    {"buprenorphine_illicit", "buprenorphine (illicit)", "opiate"},
    {"crack", "crack cocaine", "non_opiate"},
    {"cocaine", "powder cocaine", "non_opiate"},
    {"amphetamines", "amphetamines", "non_opiate"},
    {"ecstasy", "ecstasy", "non_opiate"},
    {"cannabis", "cannabis", "non_opiate"},
    {"synthetic_cannabinoids", "synthetic cannabinoids", "non_opiate"},
    {"other_nps", "other new psychoactive substances", "non_opiate"},
    {"ketamine", "ketamine", "non_opiate"},
    {"ghb_gbl", "GHB/GBL", "non_opiate"},
    {"benzodiazepines", "benzodiazepines", "non_opiate"},
    {"hallucinogens", "hallucinogens", "non_opiate"},
    {"solvents", "solvents", "non_opiate"},
    {"prescription_only", "prescription-only medicines", "non_opiate"},
    {"alcohol", "alcohol", "alcohol"},
    {"other", "other", "non_opiate"}};
CODELIST(substance, "substance",
         "Substances; the group column sets the episode's substance group: opiate "
         "(any opiate), non-opiate only, non-opiate and alcohol, alcohol only.");

static const dsms_code injecting_codes[] = {
    {"current", "currently injecting", NULL},
    {"previous", "previously injected", NULL},
    {"never", "never injected", NULL},
    {"declined", "declined to answer", NULL}};
CODELIST(injecting, "injecting_status", "Injecting status at the start of the episode.");

static const dsms_code housing_codes[] = {
    {"nfa", "no fixed abode (urgent housing problem)", NULL},
    {"housing_problem", "housing problem", NULL},
    {"no_problem", "no housing problem", NULL}};
CODELIST(housing, "housing_need", "Housing need at the start of the episode.");

static const dsms_code employment_codes[] = {
    {"employed", "in regular employment", NULL},
    {"student", "pupil or student", NULL},
    {"unemployed", "unemployed and seeking work", NULL},
    {"long_term_sick", "long-term sick or disabled", NULL},
    {"homemaker", "homemaker", NULL},
    {"retired", "retired", NULL},
    {"voluntary", "voluntary work", NULL},
    {"other", "other", NULL}};
CODELIST(employment, "employment_status", "Employment status at the start of the episode.");

static const dsms_code parent_codes[] = {
    {"lives_with_children", "a parent living with their own children", NULL},
    {"children_elsewhere", "a parent whose children live elsewhere", NULL},
    {"not_parent", "not a parent", NULL},
    {"declined", "declined to answer", NULL}};
CODELIST(parent, "parent_status", "Parental status at the start of the episode.");

static const dsms_code discharge_codes[] = {
    {"completed_drug_free", "treatment completed – drug-free", "successful"},
    {"completed_alcohol_free", "treatment completed – alcohol-free", "successful"},
    {"completed_occasional_user", "treatment completed – occasional user (not opiates or crack)",
     "successful"},
    {"transferred_not_custody", "transferred – not in custody", "transfer"},
    {"transferred_custody", "transferred – in custody", "transfer"},
    {"dropped_out", "incomplete – dropped out", "unsuccessful"},
    {"withdrawn_by_provider", "incomplete – treatment withdrawn by provider", "unsuccessful"},
    {"retained_in_custody", "incomplete – retained in custody", "unsuccessful"},
    {"commencement_declined", "incomplete – treatment commencement declined", "unsuccessful"},
    {"referral_refused", "incomplete – onward referral offered and refused", "unsuccessful"},
    {"client_died", "incomplete – client died", "died"}};
CODELIST(discharge, "discharge_reason",
         "Why the episode ended. The three completed codes are successful completions.");

static const dsms_code intervention_codes[] = {
    {"ost", "opioid substitution therapy", "pharmacological"},
    {"other_pharmacological", "other pharmacological", "pharmacological"},
    {"psychosocial", "psychosocial", "psychosocial"},
    {"inpatient_detox", "inpatient detoxification", "inpatient"},
    {"residential_rehab", "residential rehabilitation", "residential"},
    {"mutual_aid", "recovery support – mutual aid", "recovery_support"},
    {"peer_support", "recovery support – peer support", "recovery_support"},
    {"housing_support", "recovery support – housing", "recovery_support"},
    {"employment_support", "recovery support – employment", "recovery_support"},
    {"family_support", "recovery support – family/parenting", "recovery_support"},
    {"education_support", "recovery support – education/training", "recovery_support"}};
CODELIST(intervention, "intervention_type", "Kind of intervention.");

static const dsms_code intervention_exit_codes[] = {
    {"completed", "completed as planned", NULL},
    {"client_left", "client left before completion", NULL},
    {"withdrawn_by_provider", "withdrawn by provider", NULL},
    {"transferred", "transferred to another intervention or provider", NULL},
    {"client_died", "client died", NULL},
    {"other", "other", NULL}};
CODELIST(intervention_exit, "intervention_exit_reason", "Why the intervention ended.");

static const dsms_code top_stage_codes[] = {
    {"start", "start of treatment", NULL},
    {"review", "review during treatment", NULL},
    {"exit", "exit from treatment", NULL},
    {"post_exit", "after exit", NULL}};
CODELIST(top_stage, "top_stage", "When the Treatment Outcomes Profile was completed.");

static const dsms_code substance_group_codes[] = {
    {"opiate", "opiate (any opiate)", NULL},
    {"non_opiate", "non-opiate only", NULL},
    {"non_opiate_alcohol", "non-opiate and alcohol", NULL},
    {"alcohol", "alcohol only", NULL}};
CODELIST(substance_group, "substance_group", "The substance groups national statistics report by.");

static const dsms_code trigger_offence_codes[] = {
    {"theft", "theft (including shoplifting)", NULL},
    {"burglary", "burglary", NULL},
    {"robbery", "robbery", NULL},
    {"vehicle_crime", "theft of or from a vehicle", NULL},
    {"fraud", "fraud", NULL},
    {"handling", "handling stolen goods", NULL},
    {"begging", "begging", NULL},
    {"drug_possession", "possession of a class A drug", NULL},
    {"drug_supply", "supply of a class A drug", NULL},
    {"inspector_authority", "other offence, test authorised by an inspector", NULL}};
CODELIST(trigger_offence, "trigger_offence", "The offence that led to the test on arrest.");

static const dsms_code test_result_codes[] = {
    {"negative", "negative", NULL},
    {"opiates", "opiates positive", "positive"},
    {"cocaine", "cocaine positive", "positive"},
    {"both", "both positive", "positive"}};
CODELIST(test_result, "test_result", "Result of the test on arrest.");

static const dsms_code assessment_codes[] = {
    {"referred_to_treatment", "referred to treatment", NULL},
    {"no_further_action", "no further action needed", NULL},
    {"did_not_attend", "did not attend", NULL}};
CODELIST(assessment, "assessment_outcome", "Outcome of the required assessment.");

static const dsms_code order_type_codes[] = {
    {"drr", "drug rehabilitation requirement", NULL},
    {"atr", "alcohol treatment requirement", NULL},
    {"mhtr", "mental health treatment requirement", NULL}};
CODELIST(order_type, "order_type", "Kind of treatment requirement.");

static const dsms_code order_outcome_codes[] = {
    {"completed", "completed", "ended"},
    {"revoked_breach", "revoked – breach", "ended"},
    {"revoked_new_offence", "revoked – new offence", "ended"},
    {"ongoing", "ongoing", NULL}};
CODELIST(order_outcome, "order_outcome", "How the order ended, or that it has not.");

static const dsms_code ew_source_codes[] = {
    {"forensic_lab", "forensic laboratory (seizure or sample analysed)", "report"},
    {"toxicology_post_mortem", "toxicology: post-mortem", "toxicology"},
    {"toxicology_hospital", "toxicology: hospital", "toxicology"},
    {"seizure", "police or Border Force seizure", "report"},
    {"test_purchase", "test purchase", "report"},
    {"amnesty_bin", "amnesty bin (festival, prison, night-time venue)", "report"},
    {"clinician", "clinician's report of a suspected reaction", "report"},
    {"public", "public report of a suspected reaction", "report"},
    {"drug_checking", "drug-checking service", "report"},
    {"coroner", "coroner", "toxicology"}};
CODELIST(ew_source, "ew_source",
         "Where an early-warning report comes from; the group column is the count the "
         "exceedance signal puts it in: reports, or toxicology.");

static const dsms_code matrix_codes[] = {
    {"powder", "powder", "product"}, {"tablet", "tablet", "product"},
    {"herbal", "herbal material", "product"}, {"liquid", "liquid (including e-liquid)", "product"},
    {"paper", "paper (blotter or sprayed paper)", "product"}, {"blood", "blood", "body"},
    {"urine", "urine", "body"}, {"other", "other", NULL}};
CODELIST(matrix, "matrix", "What the sample was: a product (powder, tablet, ...) or from a body.");

static const dsms_code effect_codes[] = {
    {"none", "no adverse effect reported", NULL},
    {"drowsiness", "drowsiness or sedation", NULL},
    {"respiratory_depression", "respiratory depression", NULL},
    {"unconsciousness", "unconsciousness", NULL},
    {"seizure", "seizure", NULL},
    {"agitation", "agitation or aggression", NULL},
    {"psychosis", "psychosis or hallucinations", NULL},
    {"cardiac", "chest pain, tachycardia or arrest", NULL},
    {"hyperthermia", "hyperthermia", NULL},
    {"vomiting", "nausea or vomiting", NULL},
    {"death", "death", NULL},
    {"other", "other", NULL}};
CODELIST(effect, "adverse_effect", "An adverse effect reported with the sample.");

static const dsms_code severity_codes[] = {
    {"none", "none", NULL},
    {"mild", "mild", NULL},
    {"moderate", "moderate: needed treatment", NULL},
    {"severe", "severe: life-threatening or hospital admission", "severe"},
    {"fatal", "fatal", "severe"}};
CODELIST(severity, "severity", "How severe the worst adverse effect was; severe and fatal count "
         "towards clusters.");

static const dsms_codelist *const all_codelists[] = {
    &yes_no, &sex, &ethnicity, &setting, &referral_source, &substance, &injecting,
    &housing, &employment, &parent, &discharge, &intervention, &intervention_exit,
    &top_stage, &substance_group, &trigger_offence, &test_result, &assessment,
    &order_type, &order_outcome, &ew_source, &matrix, &effect, &severity};

const dsms_codelist *const *dsms_codelists(size_t *count)
{
    *count = N(all_codelists);
    return all_codelists;
}

/* Field shorthands: a table is easier to read as a column of these. */
#define REF(nm, fl, len, d) {nm, DSMS_TYPE_TEXT, DSMS_F_REQUIRED | (fl), 1, len, NULL, d}
#define TXT(nm, fl, len, d) {nm, DSMS_TYPE_TEXT, (fl), 1, len, NULL, d}
#define DATE(nm, fl, d) {nm, DSMS_TYPE_DATE, (fl), 0, 0, NULL, d}
#define CODE(nm, fl, cl, d) {nm, DSMS_TYPE_CODE, (fl), 0, 0, &cl, d}
#define INT(nm, fl, lo, hi, d) {nm, DSMS_TYPE_INT, (fl), lo, hi, NULL, d}
#define DAYS(nm, d) INT(nm, 0, 0, 28, d)
#define SCORE(nm, d) INT(nm, 0, 0, 20, d)
#define RQ DSMS_F_REQUIRED
#define ATTRIBUTOR_FIELDS(fl)                                                              \
    {"initials", DSMS_TYPE_TEXT, DSMS_F_INITIALS | (fl), 2, 2, NULL,                      \
     "First-name initial then surname initial (two letters). Part of the client "         \
     "attributor: pseudonymised on arrival, never stored."},                              \
    {"date_of_birth", DSMS_TYPE_DATE, DSMS_F_DOB | (fl), 0, 0, NULL,                       \
     "Date of birth. Part of the client attributor: never stored; the age on the "        \
     "table's reference date is stored instead."},                                         \
    {"sex", DSMS_TYPE_CODE, DSMS_F_SEX | (fl), 0, 0, &sex,                                 \
     "Sex. Part of the client attributor; also stored as a reporting breakdown."}

/* Rule shorthands. */
#define ORDER(id, a, b) {id, DSMS_RULE_DATE_ORDER, a, b, NULL, 0, 0, DSMS_ERROR, \
                         a " must be on or before " b}
#define NOT_FUTURE {"no_future_dates", DSMS_RULE_NOT_FUTURE, NULL, NULL, NULL, 0, 0, \
                    DSMS_ERROR, "no date may be after the day of import"}
#define AGE(b, lo, hi) {"age_range", DSMS_RULE_AGE_RANGE, "date_of_birth", b, NULL, lo, hi, \
                        DSMS_ERROR, "age on " b " must be " #lo " to " #hi}
#define UNIQUE(txt) {"unique_key", DSMS_RULE_UNIQUE_KEY, NULL, NULL, NULL, 0, 0, DSMS_ERROR, txt}
#define AREA(f) {"area_known", DSMS_RULE_AREA_KNOWN, f, NULL, NULL, 0, 0, DSMS_ERROR, \
                 f " must be one of the reference areas"}
#define KNOWN(f, file) {"org_known", DSMS_RULE_ORG_KNOWN, f, NULL, NULL, 0, 0, DSMS_ERROR, \
                        f " must be listed in the reference data (" file ")"}
#define ORG(f) {"org_matches_source", DSMS_RULE_ORG_MATCHES, f, NULL, NULL, 0, 0, DSMS_ERROR, \
                f " must be the submitting organisation given by --source"}

static const dsms_field episode_fields[] = {
    REF("provider_code", DSMS_F_KEY | DSMS_F_ORG, 16, "Treatment provider's code."),
    TXT("client_ref", 0, 40, "The provider's own client reference."),
    REF("episode_ref", DSMS_F_KEY, 40, "Episode reference, unique within the provider."),
    ATTRIBUTOR_FIELDS(0),
    CODE("consent", RQ | DSMS_F_CONSENT, yes_no,
         "Consent to share the client attributor. N: the record carries none; it is "
         "counted but never linked."),
    CODE("ethnicity", 0, ethnicity, "Ethnic category."),
    TXT("area_code", RQ | DSMS_F_AREA, 9, "ONS code of the local authority of residence."),
    DATE("referral_date", RQ, "Date referred for treatment."),
    CODE("referral_source", RQ, referral_source, "Who referred the client."),
    DATE("triage_date", 0, "Date of triage (comprehensive assessment)."),
    DATE("first_intervention_date", 0, "Date the first intervention started."),
    CODE("setting", RQ, setting, "Community or prison."),
    CODE("substance_1", RQ, substance, "Primary substance."),
    CODE("substance_2", 0, substance, "Second substance."),
    CODE("substance_3", 0, substance, "Third substance."),
    INT("age_first_use", 0, 5, 100, "Age at first use of the primary substance."),
    CODE("injecting_status", 0, injecting, "Injecting status."),
    CODE("housing_need", 0, housing, "Housing need."),
    CODE("employment_status", 0, employment, "Employment status."),
    CODE("parent_status", 0, parent, "Parental status."),
    CODE("mental_health_need", 0, yes_no, "Has a mental-health treatment need."),
    CODE("hep_c_tested", 0, yes_no, "Tested for hepatitis C."),
    CODE("hep_b_vaccinated", 0, yes_no, "Vaccinated against hepatitis B."),
    DATE("discharge_date", 0, "Date the episode ended."),
    CODE("discharge_reason", 0, discharge, "Why the episode ended."),
    CODE("ost_at_exit", 0, yes_no, "Receiving opioid substitution therapy at exit."),
};

static const dsms_rule episode_rules[] = {
    ORDER("referral_before_triage", "referral_date", "triage_date"),
    ORDER("triage_before_intervention", "triage_date", "first_intervention_date"),
    ORDER("referral_before_intervention", "referral_date", "first_intervention_date"),
    ORDER("intervention_before_discharge", "first_intervention_date", "discharge_date"),
    ORDER("referral_before_discharge", "referral_date", "discharge_date"),
    NOT_FUTURE,
    AGE("referral_date", 10, 100),
    {"consent_attributor", DSMS_RULE_CONSENT, "consent", NULL, "N", 0, 0, DSMS_ERROR,
     "consent N carries no attributor (initials, date_of_birth, sex empty); consent Y "
     "needs all three"},
    {"success_needs_discharge_date", DSMS_RULE_REQUIRES, "discharge_reason", "discharge_date",
     "completed_drug_free,completed_alcohol_free,completed_occasional_user", 0, 0,
     DSMS_ERROR, "a successful discharge reason needs a discharge date"},
    {"discharge_needs_reason", DSMS_RULE_REQUIRES, "discharge_date", "discharge_reason",
     NULL, 0, 0, DSMS_ERROR, "a discharge date needs a discharge reason"},
    {"reason_needs_discharge_date", DSMS_RULE_REQUIRES, "discharge_reason", "discharge_date",
     NULL, 0, 0, DSMS_ERROR, "a discharge reason needs a discharge date"},
    {"ost_at_exit_needs_discharge", DSMS_RULE_REQUIRES, "ost_at_exit", "discharge_date",
     NULL, 0, 0, DSMS_WARNING, "ost_at_exit is only meaningful once the episode has ended"},
    UNIQUE("episode_ref is unique within provider_code in a submission"),
    AREA("area_code"),
    ORG("provider_code"),
    KNOWN("provider_code", "providers.csv"),
};

static const dsms_field intervention_fields[] = {
    REF("provider_code", DSMS_F_KEY | DSMS_F_ORG | DSMS_F_EPISODE, 16, "Treatment provider's code."),
    REF("episode_ref", DSMS_F_KEY | DSMS_F_EPISODE, 40, "The episode this intervention belongs to."),
    REF("intervention_ref", DSMS_F_KEY, 40, "Intervention reference, unique within the episode."),
    CODE("type", RQ, intervention, "Kind of intervention."),
    DATE("start_date", RQ, "Date the intervention started."),
    DATE("end_date", 0, "Date the intervention ended."),
    CODE("exit_reason", 0, intervention_exit, "Why the intervention ended."),
};

static const dsms_rule intervention_rules[] = {
    ORDER("start_before_end", "start_date", "end_date"),
    NOT_FUTURE,
    {"exit_reason_needs_end", DSMS_RULE_REQUIRES, "exit_reason", "end_date", NULL, 0, 0,
     DSMS_ERROR, "an exit reason needs an end date"},
    {"end_needs_exit_reason", DSMS_RULE_REQUIRES, "end_date", "exit_reason", NULL, 0, 0,
     DSMS_ERROR, "an end date needs an exit reason"},
    UNIQUE("intervention_ref is unique within the episode in a submission"),
    {"episode_known", DSMS_RULE_EPISODE_KNOWN, NULL, NULL, NULL, 0, 0, DSMS_ERROR,
     "the episode (provider_code, episode_ref) is in this submission or the store"},
    ORG("provider_code"),
    KNOWN("provider_code", "providers.csv"),
};

static const dsms_field top_fields[] = {
    REF("provider_code", DSMS_F_KEY | DSMS_F_ORG | DSMS_F_EPISODE, 16, "Treatment provider's code."),
    REF("episode_ref", DSMS_F_KEY | DSMS_F_EPISODE, 40, "The episode this review belongs to."),
    DATE("top_date", RQ | DSMS_F_KEY, "Date of the review; one review per episode per day."),
    CODE("stage", RQ, top_stage, "Stage of treatment."),
    DAYS("days_alcohol", "Days drinking alcohol in the past 28."),
    DAYS("days_opiates", "Days using opiates in the past 28."),
    DAYS("days_crack", "Days using crack in the past 28."),
    DAYS("days_cocaine", "Days using powder cocaine in the past 28."),
    DAYS("days_amphetamines", "Days using amphetamines in the past 28."),
    DAYS("days_cannabis", "Days using cannabis in the past 28."),
    DAYS("days_other", "Days using another substance in the past 28."),
    DAYS("days_injected", "Days injecting in the past 28."),
    CODE("shared_equipment", 0, yes_no, "Shared injecting equipment in the past 28 days."),
    DAYS("days_shoplifting", "Days shoplifting in the past 28."),
    DAYS("days_selling_drugs", "Days selling drugs in the past 28."),
    DAYS("days_theft", "Days committing other theft or burglary in the past 28."),
    DAYS("days_assault", "Days committing assault or violence in the past 28."),
    SCORE("psych_health", "Psychological health, 0 (poor) to 20 (good)."),
    SCORE("phys_health", "Physical health, 0 (poor) to 20 (good)."),
    SCORE("quality_of_life", "Overall quality of life, 0 (poor) to 20 (good)."),
    DAYS("days_paid_work", "Days in paid work in the past 28."),
    DAYS("days_education", "Days at college or school in the past 28."),
    CODE("acute_housing_problem", 0, yes_no, "Has an acute housing problem."),
    CODE("risk_of_eviction", 0, yes_no, "At risk of eviction."),
};

static const dsms_rule top_rules[] = {
    NOT_FUTURE,
    UNIQUE("one review per episode per top_date in a submission"),
    {"episode_known", DSMS_RULE_EPISODE_KNOWN, NULL, NULL, NULL, 0, 0, DSMS_ERROR,
     "the episode (provider_code, episode_ref) is in this submission or the store"},
    {"injected_days_within_use", DSMS_RULE_REQUIRES, "shared_equipment", "days_injected", "Y",
     0, 0, DSMS_WARNING, "shared equipment Y is expected with a count of days injected"},
    ORG("provider_code"),
    KNOWN("provider_code", "providers.csv"),
};

static const dsms_field prison_fields[] = {
    REF("prison_code", DSMS_F_KEY | DSMS_F_ORG, 16, "Prison's code."),
    REF("release_ref", DSMS_F_KEY, 40, "Release reference, unique within the prison."),
    ATTRIBUTOR_FIELDS(RQ),
    DATE("release_date", RQ, "Date of release."),
    TXT("release_area_code", RQ | DSMS_F_AREA, 9, "ONS code of the local authority released to."),
    CODE("treatment_need", RQ, yes_no, "Had a substance-misuse treatment need."),
    CODE("substance_group", 0, substance_group, "Substance group of the need."),
    CODE("in_treatment_at_release", 0, yes_no, "In structured treatment in prison at release."),
};

static const dsms_rule prison_rules[] = {
    NOT_FUTURE,
    AGE("release_date", 15, 100),
    {"need_needs_group", DSMS_RULE_REQUIRES, "treatment_need", "substance_group", "Y", 0, 0,
     DSMS_ERROR, "a treatment need needs a substance group"},
    {"group_needs_need", DSMS_RULE_FORBIDS, "treatment_need", "substance_group", "N", 0, 0,
     DSMS_ERROR, "no treatment need means no substance group"},
    UNIQUE("release_ref is unique within prison_code in a submission"),
    AREA("release_area_code"),
    ORG("prison_code"),
    KNOWN("prison_code", "prisons.csv"),
};

static const dsms_field test_fields[] = {
    REF("force_code", DSMS_F_KEY | DSMS_F_ORG, 16, "Police force's code."),
    REF("test_ref", DSMS_F_KEY, 40, "Test reference, unique within the force."),
    ATTRIBUTOR_FIELDS(RQ),
    TXT("area_code", RQ | DSMS_F_AREA, 9, "ONS code of the local authority of residence."),
    DATE("arrest_date", RQ, "Date of arrest."),
    CODE("trigger_offence", RQ, trigger_offence, "Offence that triggered the test."),
    DATE("test_date", RQ, "Date of the test."),
    CODE("result", RQ, test_result, "Result of the test."),
    CODE("assessment_required", RQ, yes_no, "A required assessment was imposed."),
    DATE("assessment_date", 0, "Date the assessment took place."),
    CODE("assessment_outcome", 0, assessment, "Outcome of the assessment."),
};

static const dsms_rule test_rules[] = {
    ORDER("arrest_before_test", "arrest_date", "test_date"),
    ORDER("test_before_assessment", "test_date", "assessment_date"),
    NOT_FUTURE,
    AGE("test_date", 10, 100),
    {"assessment_needs_positive", DSMS_RULE_FORBIDS, "result", "assessment_required", "negative",
     0, 0, DSMS_ERROR, "a negative test cannot require an assessment"},
    {"outcome_needs_requirement", DSMS_RULE_FORBIDS, "assessment_required", "assessment_outcome",
     "N", 0, 0, DSMS_ERROR, "an assessment outcome needs assessment_required Y"},
    {"attended_needs_date", DSMS_RULE_REQUIRES, "assessment_outcome", "assessment_date",
     "referred_to_treatment,no_further_action", 0, 0, DSMS_ERROR,
     "an attended assessment needs an assessment date"},
    {"date_needs_outcome", DSMS_RULE_REQUIRES, "assessment_date", "assessment_outcome", NULL,
     0, 0, DSMS_ERROR, "an assessment date needs an assessment outcome"},
    UNIQUE("test_ref is unique within force_code in a submission"),
    AREA("area_code"),
    ORG("force_code"),
    KNOWN("force_code", "police_forces.csv"),
};

static const dsms_field order_fields[] = {
    REF("probation_region", DSMS_F_KEY | DSMS_F_ORG, 16, "Probation region's code."),
    REF("order_ref", DSMS_F_KEY, 40, "Order reference, unique within the region."),
    ATTRIBUTOR_FIELDS(RQ),
    TXT("area_code", RQ | DSMS_F_AREA, 9, "ONS code of the local authority of residence."),
    CODE("order_type", RQ, order_type, "Kind of treatment requirement."),
    DATE("start_date", RQ, "Date the order started."),
    DATE("end_date", 0, "Date the order ended."),
    CODE("outcome", RQ, order_outcome, "How the order ended, or ongoing."),
};

static const dsms_rule order_rules[] = {
    ORDER("start_before_end", "start_date", "end_date"),
    NOT_FUTURE,
    AGE("start_date", 10, 100),
    {"ended_needs_end_date", DSMS_RULE_REQUIRES, "outcome", "end_date",
     "completed,revoked_breach,revoked_new_offence", 0, 0, DSMS_ERROR,
     "a completed or revoked order needs an end date"},
    {"ongoing_has_no_end", DSMS_RULE_FORBIDS, "outcome", "end_date", "ongoing", 0, 0,
     DSMS_ERROR, "an ongoing order has no end date"},
    UNIQUE("order_ref is unique within probation_region in a submission"),
    AREA("area_code"),
    ORG("probation_region"),
    KNOWN("probation_region", "probation_regions.csv"),
};

static const dsms_field death_fields[] = {
    REF("death_ref", DSMS_F_KEY, 40, "Death registration reference, unique nationally."),
    ATTRIBUTOR_FIELDS(RQ),
    TXT("area_code", RQ | DSMS_F_AREA, 9, "ONS code of the local authority of residence."),
    DATE("date_of_death", RQ, "Date of death."),
    CODE("drug_misuse", RQ, yes_no,
         "A drug-misuse death by the national statistical definition."),
    {"substances", DSMS_TYPE_CODES, 0, 0, 0, &substance,
     "Substances mentioned on the death certificate, separated by semicolons."},
    DATE("registration_date", 0,
         "Date the death was registered; deaths are counted by year of registration, "
         "by date of death when it is missing."),
};

static const dsms_rule death_rules[] = {
    ORDER("death_before_registration", "date_of_death", "registration_date"),
    NOT_FUTURE,
    AGE("date_of_death", 10, 110),
    UNIQUE("death_ref is unique in a submission"),
    AREA("area_code"),
};

static const dsms_field ew_fields[] = {
    REF("reporter_code", DSMS_F_KEY | DSMS_F_ORG, 16, "Reporting organisation's code."),
    REF("report_ref", DSMS_F_KEY, 40, "Report reference, unique within the reporter."),
    CODE("source_type", RQ, ew_source, "Where the report comes from."),
    DATE("date_sampled", RQ, "Date the sample was taken, seized, bought or collected."),
    DATE("date_reported", RQ, "Date the result or reaction was reported."),
    TXT("area_code", DSMS_F_AREA, 9,
        "ONS code of the local authority where it was found; empty for a prison."),
    TXT("prison_code", 0, 16, "The prison where it was found; empty for an area."),
    TXT("substances", 0, 120,
        "Substances identified: codes of the substance register (dsms substance list), "
        "separated by semicolons."),
    TXT("substance_text", 0, 120,
        "What was reported, as written, when it is not in the substance register."),
    CODE("matrix", RQ, matrix, "What the sample was."),
    TXT("sold_as", 0, 40, "What it was sold or taken as: a code of the substance register."),
    {"adverse_effects", DSMS_TYPE_CODES, 0, 0, 0, &effect,
     "Adverse effects reported, separated by semicolons."},
    CODE("severity", 0, severity, "How severe the worst adverse effect was."),
    ATTRIBUTOR_FIELDS(0),
};

static const dsms_rule ew_rules[] = {
    ORDER("sampled_before_reported", "date_sampled", "date_reported"),
    NOT_FUTURE,
    AGE("date_sampled", 10, 110),
    {"area_or_prison", DSMS_RULE_ONE_OF, "area_code", "prison_code", NULL, 0, 0, DSMS_ERROR,
     "an area_code or a prison_code, not both"},
    {"substance_given", DSMS_RULE_ANY_OF, "substances", "substance_text", NULL, 0, 0,
     DSMS_ERROR, "substances from the register, or substance_text, or both"},
    {"effects_need_severity", DSMS_RULE_REQUIRES, "adverse_effects", "severity", NULL, 0, 0,
     DSMS_ERROR, "adverse effects need a severity"},
    {"attributor_whole", DSMS_RULE_WHOLE_ATTRIBUTOR, NULL, NULL, NULL, 0, 0, DSMS_ERROR,
     "a linked person needs initials, date_of_birth and sex; no person, none of them"},
    UNIQUE("report_ref is unique within reporter_code in a submission"),
    AREA("area_code"),
    {"prison_known", DSMS_RULE_REF_KNOWN, "prison_code", NULL, "prisons", 0, 0, DSMS_ERROR,
     "prison_code must be listed in the reference data (prisons.csv)"},
    {"substance_known", DSMS_RULE_REF_KNOWN, "substances", NULL, "substances", 0, 0, DSMS_ERROR,
     "each of substances must be a code of the substance register"},
    {"sold_as_known", DSMS_RULE_REF_KNOWN, "sold_as", NULL, "substances", 0, 0, DSMS_ERROR,
     "sold_as must be a code of the substance register"},
    ORG("reporter_code"),
    KNOWN("reporter_code", "reporters.csv"),
};

#define TABLE(nm, desc, org, ref, f, r, age, ord) {nm, desc, org, ref, f, N(f), r, N(r), age, ord}
static const dsms_table all_tables[] = {
    TABLE("episodes",
          "One row per treatment episode, submitted by treatment providers. A "
          "resubmission of the same provider_code and episode_ref replaces the earlier one.",
          "treatment provider", "providers", episode_fields, episode_rules, "referral_date", 0),
    TABLE("interventions",
          "One row per intervention within an episode. Key: provider_code, episode_ref, "
          "intervention_ref.",
          "treatment provider", "providers", intervention_fields, intervention_rules, NULL, 1),
    TABLE("top",
          "Treatment Outcomes Profile reviews. Key: provider_code, episode_ref, top_date.",
          "treatment provider", "providers", top_fields, top_rules, NULL, 1),
    TABLE("prison_releases",
          "Releases from prison, submitted by prison healthcare. Key: prison_code, release_ref.",
          "prison", "prisons", prison_fields, prison_rules, "release_date", 2),
    TABLE("drug_tests",
          "Tests on arrest in police custody. Key: force_code, test_ref.", "police force",
          "police_forces", test_fields, test_rules, "test_date", 2),
    TABLE("court_orders",
          "Community sentences with treatment requirements, submitted by probation. Key: "
          "probation_region, order_ref.",
          "probation region", "probation_regions", order_fields, order_rules, "start_date", 2),
    TABLE("deaths", "Linked mortality records. Key: death_ref.", "mortality register",
          "registers", death_fields, death_rules, "date_of_death", 2),
    TABLE("ew_reports",
          "Early-warning reports of substances found and of adverse reactions: forensic and "
          "toxicology results, seizures, test purchases, amnesty bins, drug checking, "
          "clinicians' and the public's reports, coroners. Key: reporter_code, report_ref.",
          "reporting organisation", "reporters", ew_fields, ew_rules, "date_sampled", 2),
};

const dsms_table *dsms_tables(size_t *count)
{
    *count = N(all_tables);
    return all_tables;
}
