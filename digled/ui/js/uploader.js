// Streamlit's file uploader names its button "Upload" and its file input "file upload" in English.
// digled/ui/style.py draws our word on the button (CSS); this gives the button and the input the
// same word as their accessible name, on every upload box now and later (React adds them on reruns).
// Data: data-word, the translated word ("Vælg fil").
(() => {
  const word = document.currentScript?.dataset.word;
  if (!word) return;
  window.__digledUploadWord = word;
  const name = () => {
    const w = window.__digledUploadWord;
    document.querySelectorAll("[data-testid='stFileUploaderDropzone']").forEach((zone) => {
      // the button that picks a file ("Upload", "Add files"), not a chosen file's delete button
      const button = [...zone.querySelectorAll("button")].find((b) => !b.closest("[data-testid='stFileChipDeleteBtn']"));
      if (button && button.getAttribute("aria-label") !== w) button.setAttribute("aria-label", w);
      const input = zone.querySelector("input[type='file']");
      if (input && input.getAttribute("aria-label") !== w) input.setAttribute("aria-label", w);
    });
  };
  name();
  if (!window.__digledUploadWatch) {
    window.__digledUploadWatch = new MutationObserver(name);
    window.__digledUploadWatch.observe(document.body, {childList: true, subtree: true});
  }
})();
