import matplotlib

matplotlib.use("Agg")   # tests draw off screen
