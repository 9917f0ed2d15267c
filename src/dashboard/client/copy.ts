// Copy buttons: <button data-copy="#element-id"> copies that element's text.
// Without JavaScript the button stays hidden and the text can be selected by hand.

for (const button of document.querySelectorAll<HTMLButtonElement>("button[data-copy]")) {
  const target = document.querySelector(button.dataset.copy ?? "");
  if (!target) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(target.textContent?.trim() ?? "");
    button.textContent = "Copied";
  });
}
