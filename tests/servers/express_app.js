// The real Express `cors` middleware with the options of one row of options.json
// (CORS_OPTIONS, JSON), in front of one route that answers every method.
'use strict';
const express = require('express');
const cors = require('cors');

const options = JSON.parse(process.env.CORS_OPTIONS || '{}');
const app = express();
app.disable('x-powered-by');
app.disable('etag');
app.use(cors(options));
app.all('/items', (req, res) => {
  res.set('X-Route', 'hit');
  res.status(200).send('ok');
});
app.listen(Number(process.env.PORT), '127.0.0.1');
