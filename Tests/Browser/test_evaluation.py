"""The yearly evaluation in a real browser (headless Chromium): entry → review → decision 1 →
observations → decision 2 → final decision → payment file, on the demo's 2023 HDF campaign.

The contradictory periods end by the platform's own expiry jobs, run as if the days had passed
(`run_jobs_later`, under libfaketime); everything else is done in the pages.
Screenshots: .build/screenshots/test_evaluation-<n>-<step>.png.
"""

import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import run_jobs_later, start_platform


@pytest.fixture(scope="module")
def platform():
    """A platform of this module's own: its expiry jobs run days ahead (contract periods end too),
    which the other flows, on the session's platform, must not see."""
    yield from start_platform()

EPSM = "CTRE TRÉLAT EPSM AGGL LILLOISE"


def _open_campaign(ui):
    """From the menu: Évaluation → the 2023 campaign."""
    ui.click_and_wait_new_page(ui.driver.find_element(By.XPATH, "//nav//a[normalize-space()='Évaluation']"))
    assert ui.h1() == "Évaluation annuelle"
    ui.click_and_wait_new_page("//*[@id='campagnes']//a[contains(normalize-space(), 'année 2023')]")
    assert ui.h1() == "Campagne d'évaluation 2023 — région 32"


def _open_form(ui, name: str = EPSM):
    """From the menu: Évaluation → the 2023 campaign → the establishment's self-assessment."""
    _open_campaign(ui)
    ui.click_and_wait_new_page(f"(//*[@id='tableau']//a[normalize-space()=\"{name}\"])[1]")
    assert ui.h1() == f"Auto-évaluation 2023 — {name}"


def _act(ui, act_type: str, button: str, text: str = None, choose: str = None):
    """Submits a decision's act form and waits for the page to come back."""
    form = ui.find(f"#acte-{act_type}")
    if choose is not None:
        Select(form.find_element(By.TAG_NAME, "select")).select_by_index(0)
    if text is not None:
        form.find_element(By.TAG_NAME, "textarea").send_keys(text)
    ui.click_and_wait_new_page(f"//form[@id='acte-{act_type}']//button[normalize-space()=\"{button}\"]")


def _decide(ui, label: str):
    ui.click_and_wait_new_page(f"//form[@id='decider']//button[normalize-space()=\"Prendre la {label}\"]")
    ui.wait_text("prise et notifiée")


def _second_then_final(ui, platform, form: str, days_later: int, shot: str):
    """The DG ARS takes the second decision, the EPSM acknowledges it, its fifteen days pass (the
    expiry job run `days_later` days ahead), the DG ARS takes the final decision; the director
    stays signed in on the form."""
    ui.login("director")
    ui.driver.get(form)
    _decide(ui, "deuxième décision (montant de l'intéressement)")
    ui.shot(shot)
    ui.logout()
    ui.login("epsm")
    ui.driver.get(form)
    _act(ui, "accuse_reception", "Accuser réception")
    ui.wait_text("période contradictoire en cours")
    ui.logout()
    assert "Période contradictoire expirée" in run_jobs_later(platform, days_later)
    ui.login("director")
    ui.driver.get(form)
    _decide(ui, "décision définitive")


def test_evaluation(browser, platform, tmp_path):
    ui = browser
    # 1. The EPSM enters its self-assessment: a declared grade, a comment, an action of its plan,
    #    the required evidence (sent with its progress bar), then submits: the report is sealed.
    ui.login("epsm")
    _open_form(ui)
    form = ui.driver.current_url
    assert "auto-évaluation en cours" in ui.find("#etat").text
    # The simulation follows the grade as it is chosen, before anything is saved.
    Select(ui.find("#valeur__HDF-CONCIL__conciliation_grade")).select_by_value("D")
    ui.wait(10).until(lambda d: ui.find("#simulation-HDF-CONCIL").text == "cible : non", "the simulation never followed the grade D")
    Select(ui.find("#valeur__HDF-CONCIL__conciliation_grade")).select_by_value("B")
    ui.wait(10).until(lambda d: ui.find("#simulation-HDF-CONCIL").text == "cible : oui", "the simulation never followed the grade B")
    ui.find("#commentaire__HDF-CONCIL").send_keys(" Conciliation à l'admission dans tous les services de psychiatrie adulte.")
    ui.find("#saisie-N1 summary").click()
    ui.find("#action__N1").send_keys("Revoir les prescriptions d'IEC à la sortie")
    ui.find("#responsable__N1").send_keys("Pharmacien chef de service")
    ui.set_value("#echeance__N1", "2025-06-30")
    ui.shot("saisie")
    ui.click_and_wait_new_page(ui.button("Enregistrer le brouillon"))
    ui.wait_text("Brouillon enregistré.")
    assert "Simulation sur votre saisie" in ui.body()
    evidence = tmp_path / "bilan-conciliation-2023.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% bilan 2023 de la conciliation medicamenteuse\n")
    ui.find("#piece-HDF-CONCIL").send_keys(str(evidence))
    ui.click_and_wait_new_page("//form[@id='preuve-HDF-CONCIL']//button[normalize-space()='Déposer']")
    ui.wait_text("Pièce justificative déposée")
    assert "bilan-conciliation-2023.pdf" in ui.find("#indicateur-HDF-CONCIL").text
    ui.click_and_wait_new_page(ui.button("Soumettre l'auto-évaluation"))
    ui.wait_text("Auto-évaluation soumise")
    assert ui.find("#etat").text == "analyse de l'auto-évaluation"
    assert "Rapport d'auto-évaluation, version 1" in ui.find("#documents").text
    ui.shot("soumise")
    ui.logout()

    # 2. Review: the OMéDIT expert sees only the indicator of its body and accepts it; the analyst
    #    accepts the national indicator; the board shows both accepted.
    ui.login("expert_hdf", lands_on="/etablissements")
    ui.driver.get(form)
    assert ui.driver.find_elements(By.CSS_SELECTOR, "#indicateur-N1") == []
    Select(ui.find("#decision-HDF-CONCIL")).select_by_value("acceptee")
    ui.find("#motif-HDF-CONCIL").send_keys("Grille C1200 vérifiée sur pièces.")
    ui.click_and_wait_new_page("//form[@id='revue-HDF-CONCIL']//button[normalize-space()='Enregistrer la revue']")
    ui.wait_text("Revue enregistrée")
    ui.shot("revue-expert")
    ui.logout()
    ui.login("analyst")
    ui.driver.get(form)
    Select(ui.find("#decision-N1")).select_by_value("acceptee")
    ui.click_and_wait_new_page("//form[@id='revue-N1']//button[normalize-space()='Enregistrer la revue']")
    ui.wait_text("Revue enregistrée")
    ui.logout()

    # 3. The DG ARS takes the first decision: results and eligibility, sealed and notified.
    ui.login("director")
    ui.driver.get(form)
    _decide(ui, "première décision (résultats et éligibilité)")
    assert "notifiée, en attente de l'accusé de réception" in ui.body()
    ui.shot("decision-1")
    ui.logout()

    # 4. The EPSM acknowledges it (one month opens) and sends its observations.
    ui.login("epsm")
    ui.driver.get(form)
    _act(ui, "accuse_reception", "Accuser réception")
    ui.wait_text("période contradictoire en cours")
    _act(ui, "observations", "Envoyer les observations", text="Le taux de 2023 inclut des patients suivis par un autre établissement.")
    ui.wait_text("Acte enregistré : observations")
    ui.shot("observations")
    ui.logout()

    # 5. The month passes: the expiry job closes the period (run as if 40 days had passed).
    assert "Période contradictoire expirée" in run_jobs_later(platform, 40)

    # 6. The analyst answers the observation; the DG ARS takes the second decision, which states
    #    the amount with the FIR share and answers the observation.
    ui.login("analyst")
    ui.driver.get(form)
    assert "période contradictoire close" in ui.body()
    _act(ui, "reponse", "Enregistrer la réponse", choose="first",
         text="Les patients en cause sont rattachés à l'EPSM dans les données de l'Assurance Maladie ; le taux est maintenu.")
    ui.wait_text("Acte enregistré : réponse à une observation")
    ui.logout()
    # 7. The second decision; fifteen days pass; the DG ARS takes the final decision.
    _second_then_final(ui, platform, form, days_later=80, shot="decision-2")
    assert "définitive" in ui.body()
    history = ui.find("#historique").text
    for step in ("soumission de l'auto-évaluation", "première décision", "observations", "réponse à une observation",
                 "deuxième décision", "décision définitive"):
        assert step in history, step
    ui.shot("decision-finale")
    ui.logout()

    # 8. The AM fund finds the EPSM in the payment file, downloads it and records the payment.
    ui.login("insurer")
    _open_campaign(ui)
    # The board says, under each evaluation, the days it spent in each state.
    assert "Parcours : campagne ouverte" in ui.find("#tableau").text
    rows = ui.find("#paiements").text
    assert EPSM in rows and "à ordonnancer" in rows
    link = ui.find("#paiements-csv").get_attribute("href")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in ui.driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(link, headers={"Cookie": cookies}), timeout=30) as answer:
        csv = answer.read().decode("utf-8-sig")
    assert csv.startswith("finess;titulaire;indicateur;libelle;financement;montant;decision;date_decision;sha256_decision;statut")
    assert "590034740;" in csv and ";FIR;" in csv
    row = ui.driver.find_element(By.XPATH, f"//*[@id='paiements']//tr[contains(., \"{EPSM}\")]")
    Select(row.find_element(By.TAG_NAME, "select")).select_by_value("paye")
    ui.click_and_wait_new_page(f"//*[@id='paiements']//tr[contains(., \"{EPSM}\")]//button[normalize-space()='Enregistrer']")
    ui.wait_text("Paiement de 590034740 : payé")
    ui.shot("paiements")

    # 9. A corrective decision is the only way back: the DG ARS withdraws the final decision for a
    #    stated ground and reason; the evaluation reopens and the final decision shows as withdrawn.
    ui.logout()
    ui.login("director")
    ui.driver.get(form)
    assert "Seule une décision corrective le rouvre" in ui.find("#decider").text
    Select(ui.find("#fondement")).select_by_value("illegalite")
    ui.find("#motif-decision").send_keys("La note de conciliation retenue (B) ne correspond pas à la grille C1200 vérifiée : "
                                         "le service de gérontopsychiatrie n'était pas couvert.")
    ui.shot("decision-corrective-saisie")
    _decide(ui, "décision corrective")
    assert ui.find("#etat").text == "rouverte par une décision corrective"
    assert "retirée par une décision corrective" in ui.body() and "gérontopsychiatrie" in ui.body()
    ui.shot("decision-corrective")
    ui.logout()

    # 10. The analyst corrects the grade (a send-back is no longer possible); the DG ARS states the
    #     corrected amount in a new second decision; the EPSM has its fifteen days again.
    ui.login("analyst")
    ui.driver.get(form)
    Select(ui.find("#decision-HDF-CONCIL")).select_by_value("corrigee")
    ui.find("#valeur-HDF-CONCIL").send_keys("C")
    ui.find("#motif-HDF-CONCIL").send_keys("Grille C1200 : gérontopsychiatrie non couverte, note C.")
    ui.click_and_wait_new_page("//form[@id='revue-HDF-CONCIL']//button[normalize-space()='Enregistrer la revue']")
    ui.wait_text("Revue enregistrée")
    ui.logout()
    _second_then_final(ui, platform, form, days_later=100, shot="decision-2-tour-2")
    assert "(tour 2)" in ui.body()
    ui.shot("decision-finale-tour-2")
    ui.logout()

    # 11. The share paid for the withdrawn decision is regularised: the difference is to be recovered.
    ui.login("insurer")
    _open_campaign(ui)
    row = ui.driver.find_element(By.XPATH, f"//*[@id='paiements']//tr[contains(., \"{EPSM}\")]").text
    assert "régularisation de la décision du" in row and "à reverser" in row and "à ordonnancer" in row, row
    ui.shot("paiements-regularisation")
