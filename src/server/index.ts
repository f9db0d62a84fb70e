/**
 * src/server — `qmri serve`: a local web viewer for one run. Upload an MRI slice (JPEG, PNG, DICOM,
 * NIfTI with a slice picker) and see every head's class probabilities, a Grad-CAM overlay (opacity,
 * layer), the quantum head under a device noise profile and shot count, the circuit diagram, and a
 * gallery of the run's test cases (misclassified, flagged by the audit).
 *
 *   app.ts           node:http server: routes, body limit, deadlines, Host check, access log
 *   viewer.ts        the opened run, case store and model queue; predictions, explanations
 *                    (src/explain analyzeCase), the noisy quantum head, the circuit, the gallery
 *   decode.ts        the upload guard in front of src/data's decoders (type, gzip cap, pixel limit)
 *   png.ts           grayscale and heat-map PNGs (the heat map keeps its alpha for the opacity slider)
 *   queue.ts         one serial queue for libtorch work (synchronous, per-thread grad mode)
 *   cases.ts         bounded in-memory case store (uploads are never written to disk)
 *   gallery.ts       the run's test cases with per-head predictions and audit flags
 *   static-files.ts  the front end (public/: plain HTML, CSS, JS), served from a fixed list
 *   serve.ts         serveRun: viewer + server, listening, with close()
 */
export * from './app.js';
export * from './cases.js';
export * from './decode.js';
export * from './errors.js';
export * from './gallery.js';
export * from './queue.js';
export * from './viewer.js';
export * from './serve.js';
