"""Every user flow of the CAQES pages, in a real browser (headless Chromium).

The French texts asserted here come from Resources/Views/ and the controllers' messages.
Screenshots: .build/screenshots/<flow>-<n>-<step>.png.
"""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import ACCOUNTS, PASSWORD


def test_connexion(browser):
    """A wrong password shows the French error; the right one lands on the establishment list."""
    ui = browser
    ui.open("/")
    ui.wait_path("/connexion")  # the home page sends anonymous visitors to the login page
    assert ui.h1() == "Connexion à CAQES"
    ui.shot("formulaire")

    ui.fill_login(ACCOUNTS["establishment"], "pas-le-bon-mot-de-passe")
    ui.wait_text("Adresse électronique ou mot de passe incorrect.")
    alert = ui.find(".fr-alert--error")
    assert alert.get_attribute("role") == "alert"
    assert ui.find("#email").get_attribute("value") == ACCOUNTS["establishment"], "the address is kept"
    assert ui.find("#mot_de_passe").get_attribute("value") == "", "the password is not sent back"
    ui.shot("mot-de-passe-faux")

    ui.fill_login(ACCOUNTS["establishment"], PASSWORD)
    ui.wait_path("/")  # the home page of its role: what waits on it
    assert ui.h1() == "Accueil"
    assert "François CHU de Lille" in ui.find(".caqes-account").text
    assert "accusé de réception" in ui.find("#a-faire").text, "the demo's proposal waits for its receipt"
    ui.shot("accueil")
    ui.open("/etablissements")
    assert ui.h1() == "Établissements"
    assert "Adresse électronique ou mot de passe incorrect." not in ui.body()
    # The establishment sees its own sites only: every row's holder is its legal entity.
    holders = {row.find_elements(By.TAG_NAME, "td")[4].text
               for row in ui.driver.find_elements(By.CSS_SELECTOR, "#table-etablissements tbody tr")}
    assert holders == {"590780193"}, holders
    ui.shot("liste")


def _rows(ui):
    return ui.driver.find_elements(By.CSS_SELECTOR, "#table-etablissements tbody tr")


def _column(ui, index):
    return [row.find_elements(By.TAG_NAME, "td")[index].text for row in _rows(ui)]


def test_registre(browser):
    """Search « lille », sort by a column head, change the page size, open a detail page."""
    ui = browser
    ui.login("analyst")
    ui.open("/etablissements")

    search = ui.find("#q")
    search.clear()
    search.send_keys("lille")
    ui.click_and_wait_new_page(ui.button("Rechercher"))
    assert "q=lille" in ui.driver.current_url
    assert ui.find("#q").get_attribute("value") == "lille"
    names = _column(ui, 1)
    cities = _column(ui, 6)
    assert names, "« lille » finds establishments in Hauts-de-France"
    assert all("LILLE" in (n + " " + c).upper() for n, c in zip(names, cities)), list(zip(names, cities))
    ui.shot("recherche-lille")

    # By default the list is sorted by name, and its head says so.
    current = ui.find("#table-etablissements th[aria-sort]")
    assert current.get_attribute("aria-sort") == "ascending" and current.text.startswith("Raison sociale")

    head = ui.driver.find_element(By.CSS_SELECTOR, "#table-etablissements th a[title='Trier par Commune']")
    ui.click_and_wait_new_page(head)
    assert "tri=commune" in ui.driver.current_url
    sorted_head = ui.find("#table-etablissements th[aria-sort]")
    assert sorted_head.get_attribute("aria-sort") == "ascending"
    assert sorted_head.text.startswith("Commune") and "▲" in sorted_head.text
    cities = _column(ui, 6)
    assert cities == sorted(cities), cities
    assert ui.find("#q").get_attribute("value") == "lille", "sorting keeps the search"
    ui.shot("tri-commune")

    # A second click on the same head sorts the other way.
    ui.click_and_wait_new_page(ui.driver.find_element(By.CSS_SELECTOR, "#table-etablissements th[aria-sort] a"))
    assert "tri=-commune" in ui.driver.current_url
    assert ui.find("#table-etablissements th[aria-sort]").get_attribute("aria-sort") == "descending"
    descending = _column(ui, 6)
    assert descending == sorted(descending, reverse=True), descending
    assert descending[0] >= cities[-1]

    total = int(ui.find("main p strong").text.replace("\u202f", "").replace("\xa0", "").replace(" ", ""))
    Select(ui.find("#par_page")).select_by_value("20")
    ui.click_and_wait_new_page(ui.button("Rechercher"))
    assert "par_page=20" in ui.driver.current_url
    assert Select(ui.find("#par_page")).first_selected_option.get_attribute("value") == "20"
    assert ui.find("#table-etablissements th[aria-sort]").get_attribute("aria-sort") == "descending", \
        "changing the page size keeps the sort"
    assert len(_rows(ui)) == min(total, 20)
    pages = -(-total // 20)
    assert f"Page 1 sur {pages}" in ui.body()
    if pages > 1:
        assert ui.driver.find_elements(By.CSS_SELECTOR, "nav.fr-pagination a[aria-current='page']")
    ui.shot("par-page-20")

    first = _rows(ui)[0]
    finess = first.find_element(By.CSS_SELECTOR, "td a").text
    name = first.find_elements(By.TAG_NAME, "td")[1].text
    ui.click_and_wait_new_page(first.find_element(By.CSS_SELECTOR, "td a"))
    ui.wait_path(f"/etablissements/{finess}")
    assert ui.h1() == name
    assert ui.find(".fr-badge").text.upper() == f"FINESS ET {finess}"
    body = ui.body()
    for heading in ("Identification", "Adresse", "Source des données", "Mesures"):
        assert heading in body
    assert "Région 32 – Hauts-de-France" in body
    ui.shot("fiche")


def test_import_mesures(browser, tmp_path):
    """The analyst's wizard: upload with preview, confirm, wait for the end, see the value."""
    ui = browser
    csv = tmp_path / "mesures-navigateur.csv"
    csv.write_text("finess;mesure;annee;valeur\n590780193;hf_stays;2023;120\n", encoding="utf-8")
    ui.login("analyst")

    ui.click_and_wait_new_page(ui.driver.find_element(By.XPATH, "//nav//a[normalize-space()='Imports']"))
    ui.wait_path("/admin/imports")
    assert ui.h1() == "Imports"
    Select(ui.find("#type")).select_by_value("mesures")
    ui.find("#fichier").send_keys(str(csv))
    assert ui.find("#apercu").is_selected(), "the preview is asked for by default"
    ui.shot("formulaire")
    ui.click_and_wait_new_page(ui.button("Envoyer"))

    # The preview runs as a job: the page refreshes itself until the preview is ready.
    confirm = ui.button("Confirmer l'import")
    body = ui.body()
    assert "Aperçu — rien n'est encore enregistré" in body
    assert ui.h1() == "Import : mesures-navigateur.csv"
    cells = [c.text for c in ui.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr td")]
    assert cells[:4] == ["590780193", "hf_stays", "2023", "120"], cells
    ui.shot("apercu")

    ui.click_and_wait_new_page(confirm)
    ui.wait_text("Import terminé", seconds=60)
    ui.shot("termine")
    body = ui.body()
    assert "1 ligne(s) lue(s)" in body
    assert "valeur(s) enregistrée(s)" in body
    assert not ui.driver.find_elements(By.XPATH, "//button[normalize-space()=\"Confirmer l'import\"]")

    ui.open("/admin/imports")
    first = ui.wait().until(lambda d: d.find_element(  # newest first
        By.XPATH, "//h2[normalize-space()='Historique']/following::table[1]/tbody/tr[1]"))
    cells = [" ".join(td.get_attribute("textContent").split()) for td in first.find_elements(By.TAG_NAME, "td")]
    assert cells[2] == "mesures-navigateur.csv" and cells[6] == "terminé", cells

    ui.open("/etablissements/590000105")
    assert ui.h1() == "CHR LILLE"
    table = ui.find_table("Mesures de l'entité juridique (EJ 590780193)")
    years = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    assert "2023" in years, years
    row = table.find_element(By.XPATH, ".//tbody/tr[th/code='hf_stays']")
    cells = row.find_elements(By.TAG_NAME, "td")
    assert cells[years.index("2023") - 1].text == "120"
    ui.shot("valeur-sur-la-fiche")


def test_perimetre_assurance_maladie(browser):
    """The insurer of department 59 sees no Île-de-France site and may not open the imports."""
    ui = browser
    ui.login("insurer")
    ui.open("/etablissements")
    assert "Imports" not in [a.text for a in ui.driver.find_elements(By.CSS_SELECTOR, "nav.fr-nav a")]
    departments = set(_column(ui, 5))
    assert departments == {"59"}, departments
    ui.shot("liste-nord")

    ui.open("/etablissements/590000105")  # in the Nord: visible
    assert ui.h1() == "CHR LILLE"

    ui.open("/etablissements/750000341")  # AGEPS AP-HP, Paris: outside the scope
    assert ui.h1() == "Page introuvable (erreur 404)"
    assert "Page introuvable : l'adresse n'existe pas, ou vous n'y avez pas accès." in ui.body()
    assert "AGEPS" not in ui.body()
    ui.shot("fiche-paris-introuvable")

    ui.open("/etablissements?q=750000341")
    ui.wait_text("Aucun établissement ne correspond à ces critères.")
    ui.shot("recherche-paris-vide")

    ui.open("/admin/imports")
    assert ui.h1() == "Accès refusé (erreur 403)"
    assert "Accès refusé : votre rôle ne permet pas d'ouvrir cette page." in ui.body()
    assert not ui.driver.find_elements(By.ID, "fichier")
    ui.shot("imports-acces-refuse")


def test_deconnexion(browser):
    """Logging out returns to the login page; the list then asks to log in again."""
    ui = browser
    ui.login("admin")
    ui.shot("connecte")
    ui.click_and_wait_new_page(ui.button("Se déconnecter"))
    ui.wait_path("/connexion")
    assert ui.h1() == "Connexion à CAQES"
    assert not ui.driver.find_elements(By.CSS_SELECTOR, ".caqes-account")
    ui.shot("deconnecte")

    ui.open("/etablissements")
    ui.wait_path("/connexion")
    assert "suite=" in ui.driver.current_url and "etablissements" in ui.driver.current_url
    assert ui.h1() == "Connexion à CAQES"
    ui.shot("liste-redirige-vers-connexion")

    # Logging in again from there goes back to the page that was asked for.
    ui.fill_login(ACCOUNTS["admin"], PASSWORD)
    ui.wait_path("/etablissements")


def _act(ui, act_type: str, label: str, password: str = None, text: str = None, piece: str = None):
    """Submits the act form `act_type` of the contract page and waits for the page to come back."""
    form = ui.find(f"#acte-{act_type}")
    if piece is not None:
        form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(piece)
    if password is not None:
        form.find_element(By.CSS_SELECTOR, "input[type=password]").send_keys(password)
    if text is not None:
        form.find_element(By.TAG_NAME, "textarea").send_keys(text)
    ui.click_and_wait_new_page(f"//form[@id='acte-{act_type}']//button[normalize-space()=\"{label}\"]")


def test_contrat(browser, tmp_path):
    """The whole cycle in pages: campaign → override → freeze → contract → AM opinion → sending
    (sealed proposal) → receipt → CME → acceptance → signatures of the three parties."""
    ui = browser
    # 1. The analyst runs a targeting campaign on the 2023 data.
    ui.login("analyst")
    ui.click_and_wait_new_page(ui.driver.find_element(By.XPATH, "//nav//a[normalize-space()='Campagnes']"))
    assert ui.h1() == "Campagnes de ciblage"
    Select(ui.find("#region")).select_by_value("32")
    ui.set_value("#annee", "2023")
    Select(ui.find("#catalogues")).select_by_value("national-2025")
    ui.shot("formulaire-ciblage")
    ui.click_and_wait_new_page(ui.button("Exécuter le ciblage"))
    ui.wait_text("Ciblage exécuté")
    assert ui.h1().startswith("Ciblage — région 32, données 2023")
    campaign = ui.driver.current_url
    ui.shot("resultats")

    # 2. CHU de Lille is put on the list by a written override when the data do not target it.
    ui.set_value("#titulaire", "590780193")
    ui.click_and_wait_new_page(ui.button("Filtrer"))
    rows = ui.driver.find_elements(By.CSS_SELECTOR, "#resultats tbody tr")
    assert rows, "CHU de Lille has targeting results"
    # « retenu » is shown in capitals (a badge): compare without case.
    if not any("retenu" in r.text.lower() for r in rows):
        ui.find("#resultats tbody tr input[name=raison]").send_keys("Ajout régional : démonstration du cycle")
        ui.click_and_wait_new_page("(//*[@id='resultats']//tbody/tr)[1]//button[normalize-space()='Ajouter']")
        ui.wait_text("Dérogation enregistrée")
        assert "par dérogation : Ajout régional" in ui.body()
    assert "590780193" in ui.find("#selection").text
    ui.shot("derogation")
    ui.logout()

    # 3. The director freezes the list.
    ui.login("director")
    ui.driver.get(campaign)
    ui.click_and_wait_new_page(ui.button("Geler la liste"))
    ui.wait_text("Liste gelée par décision du")
    ui.shot("gel")
    ui.logout()

    # 4. The analyst creates the contract from the frozen list (dates of the next three years).
    ui.login("analyst")
    ui.driver.get(campaign)
    ui.set_value("#debut-590780193", "2027-01-01")
    ui.set_value("#fin-590780193", "2029-12-31")
    ui.find("#produits-590780193").send_keys("80 000 000,00")
    ui.click_and_wait_new_page("//*[@id='selection']//form[.//input[@id='debut-590780193']]//button[normalize-space()='Créer le contrat']")
    ui.wait_text("Contrat créé.")
    contract = ui.driver.current_url
    assert ui.find("#etat").text == "ciblé"
    ui.shot("contrat-cree")
    ui.logout()

    # 5. The AM fund gives its opinion; the director sends the sealed proposal.
    ui.login("insurer")
    ui.driver.get(contract)
    _act(ui, "avis_am", "avis de l'organisme local d'assurance maladie")
    ui.wait_text("Acte enregistré")
    ui.logout()
    ui.login("director")
    ui.driver.get(contract)
    _act(ui, "envoi", "envoi de la proposition")
    ui.wait_text("Acte enregistré : envoi de la proposition")
    assert ui.find("#etat").text == "proposition envoyée"
    documents = ui.find("#documents").text
    assert "proposition de contrat, version 1" in documents and "SHA-256" in documents
    ui.shot("proposition-envoyee")
    ui.logout()

    # 6. The establishment acknowledges receipt (the period opens), records the CME opinion,
    #    accepts and signs: it sees the document's hash and types its password again.
    ui.login("establishment")
    ui.driver.get(contract)
    consent = ui.find("#acte-accuse_reception").text
    assert "J'accuse réception du document dont l'empreinte SHA-256 est" in consent
    _act(ui, "accuse_reception", "accusé de réception")
    assert ui.find("#etat").text == "première période contradictoire ouverte"
    assert "23 h 59 (heure de Paris)" in ui.find("#echeance").text
    ui.shot("periode-1")
    minutes = tmp_path / "pv-cme.pdf"
    minutes.write_bytes(b"%PDF-1.4\n% proces-verbal de la CME\n")
    _act(ui, "avis_cme", "avis de la CME", piece=str(minutes))
    assert "pièce jointe (avis_cme), version 1" in ui.find("#documents").text
    _act(ui, "acceptation", "acceptation de la proposition")
    _act(ui, "signature", "signature", password="mauvais-mot-de-passe")
    assert "Signature refusée" in ui.find("#erreur-acte").text
    ui.shot("signature-mot-de-passe-faux")
    assert "Je signe, au nom de la partie que je représente, le document dont l'empreinte SHA-256 est" in ui.find("#acte-signature").text
    _act(ui, "signature", "signature", password=PASSWORD)
    ui.wait_text("Acte enregistré : signature")
    assert ui.find("#etat").text == "en cours de signature"
    ui.shot("signature-etablissement")
    ui.logout()

    # 7. The DG ARS and the AM fund director sign: the signed contract is issued and sealed.
    ui.login("director")
    ui.driver.get(contract)
    _act(ui, "signature", "signature", password=PASSWORD)
    ui.logout()
    ui.login("insurer")
    ui.driver.get(contract)
    _act(ui, "signature", "signature", password=PASSWORD)
    ui.wait_text("signé par les trois parties")
    assert "contrat signé, version 1" in ui.find("#documents").text
    history = ui.find("#historique").text
    for step in ("avis de l'organisme local d'assurance maladie", "envoi de la proposition", "accusé de réception",
                 "avis de la CME", "acceptation de la proposition", "signature"):
        assert step in history, step
    ui.shot("contrat-signe")

    # 8. Anyone can check the signed contract's hash on the public verification page.
    sha = ui.find("#documents code").text
    ui.logout()
    ui.open("/verifier")
    ui.find("#empreinte").send_keys(sha)
    ui.click_and_wait_new_page(ui.button("Vérifier"))
    ui.wait_text("Document authentique")
    assert "CHR LILLE" in ui.find("#resultat").text
    ui.shot("verification")


def test_echeances_et_liste(browser):
    """« Mes échéances » and the contract list of the insurer, with the CSV export link; the expert
    does not take part in contracts."""
    ui = browser
    ui.login("insurer")
    ui.click_and_wait_new_page(ui.driver.find_element(By.XPATH, "//nav//a[normalize-space()='Mes échéances']"))
    assert ui.h1() == "Mes échéances"
    text = ui.find("#echeances").text
    assert "CH SAMBRE AVESNOIS MAUBEUGE" in text and "première période contradictoire ouverte" in text
    ui.shot("echeances")
    ui.click_and_wait_new_page(ui.driver.find_element(By.XPATH, "//nav//a[normalize-space()='Contrats']"))
    table = ui.find("#table-contrats").text
    for name in ("CHR LILLE", "CH VALENCIENNES", "CTRE TRÉLAT EPSM AGGL LILLOISE", "CH SAMBRE AVESNOIS MAUBEUGE"):
        assert name in table, name
    assert ui.driver.find_element(By.PARTIAL_LINK_TEXT, "Exporter la liste (CSV)")
    ui.shot("contrats")
    ui.logout()
    ui.login("expert", lands_on="/etablissements")
    ui.open("/contrats")
    assert ui.h1() == "Accès refusé (erreur 403)"
